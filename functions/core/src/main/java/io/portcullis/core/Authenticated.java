package io.portcullis.core;

import io.portcullis.core.jwt.VerifiedJwt;
import io.portcullis.core.token.Claims;
import java.util.Optional;

/**
 * The request carries a valid, unrevoked token; these are its claims.
 *
 * @param claims who the token is for, as routes, revocation and identity headers see it
 * @param jwt the verified JWT, when the token was one (its other claims, such as a session id, may be needed)
 * @param fromSessionCookie whether the token came in the browser session cookie, which a browser attaches by itself
 *     (so state-changing requests must also prove intent with the CSRF token)
 */
public record Authenticated(Claims claims, Optional<VerifiedJwt> jwt, boolean fromSessionCookie)
        implements AuthResult {
    /** A Portcullis token's claims, from the Authorization header. */
    public Authenticated(Claims claims) {
        this(claims, Optional.empty(), false);
    }
}
