package io.portcullis.core.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Arrays;
import java.util.Optional;

/**
 * The JWS algorithms Portcullis verifies. Each configured key is bound to exactly one of them, so a token's
 * {@code alg} header can only select a key of that algorithm: {@code none} is not here at all, and an HMAC
 * algorithm can never be pointed at a public key (the classic "HS256 signed with the RSA public key" confusion).
 */
public enum JwtAlgorithm {
    HS256(JWSAlgorithm.HS256, 32),
    HS384(JWSAlgorithm.HS384, 48),
    HS512(JWSAlgorithm.HS512, 64),
    RS256(JWSAlgorithm.RS256, 0),
    ES256(JWSAlgorithm.ES256, 0),
    EDDSA(JWSAlgorithm.EdDSA, 0);

    private final JWSAlgorithm jws;
    private final int minSecretBytes;

    JwtAlgorithm(JWSAlgorithm jws, int minSecretBytes) {
        this.jws = jws;
        this.minSecretBytes = minSecretBytes;
    }

    /** The name as written in a JWS header and in the config ({@code HS256} … {@code EdDSA}). */
    public String jwsName() {
        return jws.getName();
    }

    JWSAlgorithm jws() {
        return jws;
    }

    public boolean isHmac() {
        return minSecretBytes > 0;
    }

    /** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
    public int minSecretBytes() {
        return minSecretBytes;
    }

    /** The algorithm a JWS header or config value names, exactly (case-sensitive, as in RFC 7518). */
    public static Optional<JwtAlgorithm> named(String name) {
        return Arrays.stream(values()).filter(a -> a.jwsName().equals(name)).findFirst();
    }
}
