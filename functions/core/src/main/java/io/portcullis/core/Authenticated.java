package io.portcullis.core;

import io.portcullis.core.jwt.VerifiedJwt;
import io.portcullis.core.token.Claims;
import java.time.Instant;
import java.util.Optional;

/**
 * The request carries a valid, unrevoked token; these are its claims.
 *
 * @param claims who the token is for, as routes, revocation and identity headers see it
 * @param jwt the verified JWT, when the token was one (its other claims, such as a session id, may be needed)
 * @param carrier where the token came from: a cookie is attached by the browser by itself, so requests it
 *     authenticates must also show they come from this site's pages ({@link CsrfGuard})
 */
public record Authenticated(Claims claims, Optional<VerifiedJwt> jwt, Carrier carrier) implements AuthResult {
    /** Where a token came from. */
    public enum Carrier {
        /** {@code Authorization: Bearer}: a browser never adds one by itself. */
        BEARER,
        /** The browser session cookie ({@code browser.cookie}). */
        SESSION_COOKIE,
        /** The JWT cookie ({@code jwt.cookie}). */
        JWT_COOKIE
    }

    /** A Portcullis token's claims, from the Authorization header. */
    public Authenticated(Claims claims) {
        this(claims, Optional.empty(), Carrier.BEARER);
    }

    /** Whether the token came in the browser session cookie. */
    public boolean fromSessionCookie() {
        return carrier == Carrier.SESSION_COOKIE;
    }

    /**
     * Until when the token can be accepted, so until when its revocation must be kept: a Portcullis token's
     * expiry, a JWT's expiry plus the clock skew its verification allows.
     */
    public Instant acceptedUntil() {
        return jwt.map(VerifiedJwt::acceptedUntil).orElse(claims.expiresAt());
    }
}
