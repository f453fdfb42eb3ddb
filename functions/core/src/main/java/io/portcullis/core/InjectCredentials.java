package io.portcullis.core;

import io.portcullis.core.port.SessionCredentialStore;
import io.portcullis.core.route.Route;
import io.portcullis.core.session.CredentialFormat;
import io.portcullis.core.session.UnusableCredentialsException;
import java.util.Optional;

/**
 * hyper-auth-proxy's job: the session a verified JWT names (its {@code sid} claim, or the route's
 * {@code session-claim}) → the session credential store → the configured {@link CredentialFormat} → backend
 * credentials. The store is read on every request (nothing is cached), so deleting a session revokes it at once.
 * A store that cannot answer throws {@link StoreUnavailableException} (503).
 */
final class InjectCredentials {
    private static final System.Logger LOG = System.getLogger(InjectCredentials.class.getName());

    private final SessionCredentialStore sessions;
    private final Optional<CredentialFormat> format;

    InjectCredentials(SessionCredentialStore sessions, Optional<CredentialFormat> format) {
        this.sessions = sessions;
        this.format = format;
    }

    SessionResult credentials(Authenticated caller, Route route) {
        Optional<String> sessionId = caller.jwt().flatMap(jwt -> route.sessionClaim().flatMap(jwt::stringClaim));
        if (sessionId.isEmpty() || format.isEmpty()) {
            return Rejection.invalidSession("the token names no session", "no_session_claim");
        }
        Optional<String> stored = sessions.credentials(sessionId.get());
        if (stored.isEmpty()) {
            return Rejection.invalidSession("the session has ended; sign in again", "unknown_session");
        }
        try {
            return new SessionResult.Found(format.get().open(sessionId.get(), stored.get()));
        } catch (UnusableCredentialsException e) {
            // The session id is a credential of sorts: the token id names the request in logs instead.
            LOG.log(System.Logger.Level.WARNING, "session credentials unusable for token "
                    + caller.claims().tokenId() + ": " + e.getMessage());
            return Rejection.invalidSession("the session's credentials cannot be used; sign in again",
                    "unusable_credentials");
        }
    }
}
