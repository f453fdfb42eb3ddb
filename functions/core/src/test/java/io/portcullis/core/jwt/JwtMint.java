package io.portcullis.core.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * Mints JWTs in tests with keys generated in the test (Nimbus's signers), and writes public keys as PEM for configs.
 * Published in the core test-jar, so every module's tests mint the same way.
 */
public final class JwtMint {
    /** 64 random-looking bytes of text: long enough for HS512. */
    public static final String HMAC_SECRET = "Zr8u2Wq0Lk5sXe1Vb7Nm3Pj9Hf4Td6Ga2Yc8Ui0Ro5Es1Wq7Lz3Mx9Nb4Kv6Jh2Gg";

    private JwtMint() {
    }

    public static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static OctetKeyPair ed25519(String kid) {
        try {
            return new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims valid for the next hour from {@code now}: {@code sub}, {@code iat}, {@code exp}, {@code sid}. */
    public static JWTClaimsSet.Builder claims(String subject, Instant now) {
        return new JWTClaimsSet.Builder().subject(subject).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600))).claim("sid", "session-" + subject);
    }

    public static String hmac(JWSAlgorithm algorithm, String secret, JWTClaimsSet claims) {
        return sign(new JWSHeader(algorithm), signer(() -> new MACSigner(secret.getBytes(StandardCharsets.UTF_8))),
                claims);
    }

    /** Signed with {@code key}'s private half, its kid in the header. */
    public static String sign(JWK key, JWTClaimsSet claims) {
        return sign(key, claims, header -> header);
    }

    public static String sign(JWK key, JWTClaimsSet claims, UnaryOperator<JWSHeader.Builder> header) {
        JWSAlgorithm algorithm = switch (key) {
            case RSAKey rsa -> JWSAlgorithm.RS256;
            case ECKey ec -> JWSAlgorithm.ES256;
            case OctetKeyPair okp -> JWSAlgorithm.EdDSA;
            default -> throw new IllegalArgumentException("no signer for " + key.getKeyType());
        };
        JWSSigner signer = signer(() -> switch (key) {
            case RSAKey rsa -> new RSASSASigner(rsa);
            case ECKey ec -> new ECDSASigner(ec);
            default -> new Ed25519Signer((OctetKeyPair) key);
        });
        return sign(header.apply(new JWSHeader.Builder(algorithm).keyID(key.getKeyID())).build(), signer, claims);
    }

    /** An unsecured JWT: {@code {"alg":"none"}}, the claims, and an empty signature. */
    public static String unsecured(JWTClaimsSet claims) {
        return Base64URL.encode("{\"alg\":\"none\"}") + "." + Base64URL.encode(claims.toString()) + ".";
    }

    /** PEM {@code PUBLIC KEY} of a JWK's public half, escaped for a double-quoted YAML string. */
    public static String pemYaml(JWK key) {
        return pem(key).replace("\n", "\\n");
    }

    public static String pem(JWK key) {
        try {
            PublicKey publicKey = switch (key) {
                case RSAKey rsa -> rsa.toRSAPublicKey();
                case ECKey ec -> ec.toECPublicKey();
                default -> null;
            };
            byte[] der = publicKey != null ? publicKey.getEncoded()
                    : concat(HexFormat.of().parseHex("302a300506032b6570032100"),
                            ((OctetKeyPair) key).getX().decode());
            return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** hyper-auth-proxy's cookie value: standard base64 of the JWT, optionally of the JWT as a JSON string. */
    public static String hyperAuthProxyCookie(String jwt, boolean jsonQuoted) {
        String text = jsonQuoted ? "\"" + jwt + "\"" : jwt;
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private interface SignerFactory {
        JWSSigner create() throws JOSEException;
    }

    private static JWSSigner signer(SignerFactory factory) {
        try {
            return factory.create();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSHeader header, JWSSigner signer, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
