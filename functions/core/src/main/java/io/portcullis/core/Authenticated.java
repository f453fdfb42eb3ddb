package io.portcullis.core;

import io.portcullis.core.jwt.VerifiedJwt;
import io.portcullis.core.token.Claims;
import java.util.Optional;

/**
 * The request carries a valid, unrevoked token; these are its claims.
 *
 * @param claims who the token is for, as routes, revocation and identity headers see it
 * @param jwt the verified JWT, when the token was one (its other claims, such as a session id, may be needed)
 */
public record Authenticated(Claims claims, Optional<VerifiedJwt> jwt) implements AuthResult {
    /** A Portcullis token's claims. */
    public Authenticated(Claims claims) {
        this(claims, Optional.empty());
    }
}
