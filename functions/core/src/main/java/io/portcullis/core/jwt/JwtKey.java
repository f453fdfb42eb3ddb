package io.portcullis.core.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.core.token.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One key that verifies JWTs, bound to exactly one {@link JwtAlgorithm}: a token is checked against it only when
 * its {@code alg} header is that algorithm (and its {@code kid}, when both have one, is this key's id). HMAC keys
 * hold a secret; the others a public key, from PEM in the config or from a JWKS document.
 */
public final class JwtKey {
    /** Smallest RSA modulus accepted (NIST SP 800-131A). */
    public static final int MIN_RSA_BITS = 2048;

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the raw 32-byte key follows it. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final Optional<String> keyId;
    private final JwtAlgorithm algorithm;
    private final JWSVerifier verifier;

    private JwtKey(Optional<String> keyId, JwtAlgorithm algorithm, JWSVerifier verifier) {
        this.keyId = keyId;
        this.algorithm = algorithm;
        this.verifier = verifier;
    }

    /**
     * An HMAC key (HS256/384/512) from a shared secret, used as its raw bytes (as hyper-auth-proxy does).
     *
     * @throws IllegalArgumentException when the algorithm is not HMAC or the secret is shorter than its hash
     */
    public static JwtKey hmac(Optional<String> keyId, JwtAlgorithm algorithm, SecretBytes secret) {
        if (!algorithm.isHmac()) {
            throw new IllegalArgumentException(algorithm.jwsName() + " takes a public-key, not a secret");
        }
        if (secret.length() < algorithm.minSecretBytes()) {
            throw new IllegalArgumentException("the secret is " + secret.length() + " bytes; " + algorithm.jwsName()
                    + " needs at least " + algorithm.minSecretBytes() + " (RFC 7518 §3.2); generate one with: "
                    + "openssl rand -base64 " + algorithm.minSecretBytes());
        }
        try {
            // MACVerifier keeps the array it is given: a copy of its own, never wiped while the key is in use.
            return new JwtKey(keyId, algorithm, new MACVerifier(secret.toByteArray()));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the secret cannot be used: " + e.getMessage());
        }
    }

    /**
     * A public key (RS256, ES256 on P-256, EdDSA on Ed25519) from a PEM {@code PUBLIC KEY} block.
     *
     * @throws IllegalArgumentException when the PEM is unreadable or the key does not suit the algorithm
     */
    public static JwtKey publicKey(Optional<String> keyId, JwtAlgorithm algorithm, String pem) {
        if (algorithm.isHmac()) {
            throw new IllegalArgumentException(algorithm.jwsName() + " takes a secret, not a public-key");
        }
        Matcher block = PEM.matcher(pem);
        if (!block.find()) {
            throw new IllegalArgumentException("expected a PEM block '-----BEGIN PUBLIC KEY-----'");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(1).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block is not base64");
        }
        try {
            return switch (algorithm) {
                case RS256 -> rsa(keyId, (RSAPublicKey) decode("RSA", der));
                case ES256 -> ec(keyId, (ECPublicKey) decode("EC", der));
                case EDDSA -> {
                    decode("Ed25519", der);
                    if (der.length != ED25519_SPKI_PREFIX.length + 32
                            || !Arrays.equals(der, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0,
                                    ED25519_SPKI_PREFIX.length)) {
                        throw new IllegalArgumentException("not an Ed25519 public key");
                    }
                    byte[] raw = Arrays.copyOfRange(der, ED25519_SPKI_PREFIX.length, der.length);
                    yield ed25519(keyId, new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).build());
                }
                default -> throw new IllegalArgumentException("unsupported algorithm");
            };
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not a " + algorithm.jwsName() + " public key ("
                    + switch (algorithm) {
                        case RS256 -> "RSA";
                        case ES256 -> "EC P-256";
                        default -> "Ed25519";
                    } + ")");
        }
    }

    /**
     * A key published in a JWKS document, when usable: a public signing key with a {@code kid}, whose algorithm is
     * its {@code alg} member or follows from its type (RSA → RS256, EC P-256 → ES256, OKP Ed25519 → EdDSA).
     * Symmetric ({@code oct}) keys are never taken from a URL. Empty for anything else.
     */
    static Optional<JwtKey> fromJwk(JWK jwk) {
        if (jwk.getKeyID() == null || jwk.getKeyID().isEmpty()
                || jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            return Optional.empty();
        }
        Optional<String> id = Optional.of(jwk.getKeyID());
        try {
            JwtKey key = switch (jwk) {
                case RSAKey rsa -> rsa(id, rsa.toRSAPublicKey());
                case ECKey ec -> ec(id, ec.toECPublicKey());
                case OctetKeyPair okp when Curve.Ed25519.equals(okp.getCurve()) -> ed25519(id, okp.toPublicJWK());
                default -> null;
            };
            if (key == null || jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(
                    key.algorithm.jwsName())) {
                return Optional.empty();
            }
            return Optional.of(key);
        } catch (JOSEException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static PublicKey decode(String algorithm, byte[] der) throws GeneralSecurityException {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
    }

    private static JwtKey rsa(Optional<String> keyId, RSAPublicKey key) {
        if (key.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException("the RSA key has " + key.getModulus().bitLength() + " bits; at least "
                    + MIN_RSA_BITS + " are required");
        }
        return new JwtKey(keyId, JwtAlgorithm.RS256, new RSASSAVerifier(key));
    }

    private static JwtKey ec(Optional<String> keyId, ECPublicKey key) {
        if (!Curve.P_256.equals(Curve.forECParameterSpec(key.getParams()))) {
            throw new IllegalArgumentException("ES256 needs a key on the P-256 curve");
        }
        try {
            return new JwtKey(keyId, JwtAlgorithm.ES256, new ECDSAVerifier(key));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the EC key cannot be used: " + e.getMessage());
        }
    }

    private static JwtKey ed25519(Optional<String> keyId, OctetKeyPair publicKey) {
        try {
            return new JwtKey(keyId, JwtAlgorithm.EDDSA, new Ed25519Verifier(publicKey));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the Ed25519 key cannot be used: " + e.getMessage());
        }
    }

    public Optional<String> keyId() {
        return keyId;
    }

    public JwtAlgorithm algorithm() {
        return algorithm;
    }

    /** Whether a token with this header may be checked against this key: same algorithm, and matching key ids. */
    boolean accepts(Optional<String> tokenKeyId, JwtAlgorithm tokenAlgorithm) {
        return algorithm == tokenAlgorithm
                && (keyId.isEmpty() || tokenKeyId.isEmpty() || keyId.equals(tokenKeyId));
    }

    /** Whether {@code jwt}'s signature verifies under this key; a verifier error counts as a failed signature. */
    boolean verifies(SignedJWT jwt) {
        try {
            return jwt.verify(verifier);
        } catch (JOSEException | IllegalStateException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "JwtKey[" + keyId.orElse("(no kid)") + ", " + algorithm.jwsName() + "]";
    }
}
