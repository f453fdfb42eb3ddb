package io.portcullis.core.token;

/**
 * A token that passed verification: opened under a configured key and not expired. Only {@link TokenCodec} can make
 * one, so holding a {@code VerifiedToken} proves both checks ran. Revocation is checked by the caller, against the
 * revocation store.
 */
public final class VerifiedToken {
    private final Claims claims;

    VerifiedToken(Claims claims) {
        this.claims = claims;
    }

    public Claims claims() {
        return claims;
    }

    @Override
    public String toString() {
        return "VerifiedToken[" + claims.tokenId() + " for " + claims.subject() + "]";
    }
}
