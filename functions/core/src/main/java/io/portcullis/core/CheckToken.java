package io.portcullis.core;

import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.route.Route;
import io.portcullis.core.token.InvalidTokenException;
import io.portcullis.core.token.TokenCodec;
import io.portcullis.core.token.VerifiedToken;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * Checks the bearer token of a request: parse, open under the key its key id names, expiry, revocation (the
 * token's id and its user's cutoff), and, for a route, whether the route admits the user.
 */
public final class CheckToken {
    private final TokenCodec codec;
    private final RevocationStore revocations;
    private final Clock clock;

    public CheckToken(TokenCodec codec, RevocationStore revocations, Clock clock) {
        this.codec = codec;
        this.revocations = revocations;
        this.clock = clock;
    }

    /** Who is calling: valid token → its claims; otherwise 401. */
    public AuthResult authenticate(RequestHeaders headers) {
        List<String> authorization = headers.all("Authorization");
        if (authorization.isEmpty()) {
            return Rejection.missingToken();
        }
        if (authorization.size() > 1) {
            return Rejection.invalidToken("send one Authorization header", "several_authorization_headers");
        }
        String value = authorization.getFirst().strip();
        if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Rejection.invalidToken("the Authorization header must be 'Bearer <token>'", "not_bearer");
        }
        try {
            VerifiedToken token = codec.verifyAndDecode(value.substring(7).strip(), clock.instant());
            if (revocations.isRevoked(token.claims())) {
                return Rejection.invalidToken("the token has been revoked", "revoked");
            }
            return new Authenticated(token.claims());
        } catch (InvalidTokenException e) {
            return e.reason() == InvalidTokenException.Reason.EXPIRED
                    ? Rejection.invalidToken("the token has expired", "expired")
                    : Rejection.invalidToken("the token is not valid", e.reason().name().toLowerCase(Locale.ROOT));
        }
    }

    /** Whether the caller may use {@code route}: 401 without a valid token, 403 when the route does not admit them. */
    public AuthResult authorize(RequestHeaders headers, Route route) {
        AuthResult result = authenticate(headers);
        if (result instanceof Authenticated authenticated && !route.permits(authenticated.claims().identity())) {
            return Rejection.forbidden("this route does not admit you", "route_forbids_user");
        }
        return result;
    }
}
