package io.portcullis.core.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.core.token.Claims;
import java.time.Instant;
import java.util.Optional;

/**
 * A JWT that passed verification: signature under a configured key of its algorithm, {@code exp}/{@code nbf}
 * within the clock skew, issuer and audience as configured. Only {@link JwtVerifier} makes one. It keeps the claim
 * set (a session id may be needed) but never the token text.
 */
public final class VerifiedJwt {
    private final Claims claims;
    private final JWTClaimsSet claimSet;
    private final Instant acceptedUntil;

    VerifiedJwt(Claims claims, JWTClaimsSet claimSet, Instant acceptedUntil) {
        this.claims = claims;
        this.claimSet = claimSet;
        this.acceptedUntil = acceptedUntil;
    }

    /** The first moment this token is refused as expired: its {@code exp} plus the allowed clock skew. */
    public Instant acceptedUntil() {
        return acceptedUntil;
    }

    /** What routes, revocation and identity headers use, as for a Portcullis token. */
    public Claims claims() {
        return claims;
    }

    /** A claim that is a non-empty string (such as a session id); empty when absent or of another type. */
    public Optional<String> stringClaim(String name) {
        return claimSet.getClaim(name) instanceof String value && !value.isEmpty() ? Optional.of(value)
                : Optional.empty();
    }

    @Override
    public String toString() {
        return "VerifiedJwt[" + claims.tokenId() + " for " + claims.subject() + "]";
    }
}
