package io.portcullis.core.jwt;

/**
 * A presented JWT was rejected. The reason is for logs and for the client's message; the exception never carries the
 * token or its claims.
 */
public final class InvalidJwtException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a JWT was rejected. */
    public enum Reason {
        /** Not a JWS compact serialization, unreadable header or claims, or too long. */
        MALFORMED,
        /** {@code alg: none}: unsigned tokens are never accepted. */
        UNSECURED,
        /** An {@code alg} no configured key is bound to (or an encrypted JWT). */
        ALGORITHM_NOT_ALLOWED,
        /** No configured or published key matches the token's {@code kid} and {@code alg}. */
        UNKNOWN_KEY,
        /** The signature does not verify: tampered with, or signed by someone else. */
        BAD_SIGNATURE,
        /** No {@code exp} claim: a token that never expires is refused. */
        NO_EXPIRY,
        /** {@code exp} has passed (beyond the allowed clock skew). */
        EXPIRED,
        /** {@code nbf} or {@code iat} is still in the future (beyond the allowed clock skew). */
        NOT_YET_VALID,
        /** {@code exp} lies further ahead than {@code jwt.max-lifetime}. */
        LIFETIME_TOO_LONG,
        /** {@code iss} is not the configured issuer. */
        WRONG_ISSUER,
        /** {@code aud} names none of the configured audiences. */
        WRONG_AUDIENCE,
        /** No {@code sub}, or one that cannot travel to backends in a header. */
        BAD_SUBJECT
    }

    private final Reason reason;

    InvalidJwtException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
