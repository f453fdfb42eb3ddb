package io.portcullis.core.assertion;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import io.portcullis.core.jwt.JwtAlgorithm;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.jce.ECNamedCurveTable;

/**
 * A key of the identity assertions: ES256 (P-256) or EdDSA (Ed25519). Its public half is published in the JWKS; a key
 * that holds its private half can also sign. The private key never leaves this class except as PKCS#8 bytes for
 * sealing into the store ({@link #pkcs8}), and {@link #toString()} shows only the id.
 */
public final class AssertionKey {
    private static final Pattern PEM = Pattern.compile("-----BEGIN (PRIVATE|PUBLIC) KEY-----([A-Za-z0-9+/=\\s]+)"
            + "-----END \\1 KEY-----");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String keyId;
    private final JwtAlgorithm algorithm;
    private final JWK publicJwk;
    private final Optional<JWSSigner> signer;
    private final Optional<byte[]> pkcs8;

    private AssertionKey(String keyId, JwtAlgorithm algorithm, JWK publicJwk, Optional<JWSSigner> signer,
            Optional<byte[]> pkcs8) {
        this.keyId = keyId;
        this.algorithm = algorithm;
        this.publicJwk = publicJwk;
        this.signer = signer;
        this.pkcs8 = pkcs8;
    }

    /**
     * A key from a PEM block: {@code PRIVATE KEY} (PKCS#8: it signs, its public half is derived) or
     * {@code PUBLIC KEY} (published only, e.g. a retired key whose assertions have not all expired yet).
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing the key)
     */
    public static AssertionKey fromPem(String keyId, JwtAlgorithm algorithm, String pem) {
        requireUsable(keyId, algorithm);
        Matcher block = PEM.matcher(pem);
        if (!block.find()) {
            throw new IllegalArgumentException("expected a PEM block '-----BEGIN PRIVATE KEY-----' (PKCS#8) or "
                    + "'-----BEGIN PUBLIC KEY-----'");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block is not base64");
        }
        return block.group(1).equals("PRIVATE") ? fromPkcs8(keyId, algorithm, der) : fromX509(keyId, algorithm, der);
    }

    /** A new ES256 key on P-256, for the store. */
    public static AssertionKey generate(String keyId, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            return fromPkcs8(keyId, JwtAlgorithm.ES256, pair.getPrivate().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make P-256 keys", e);
        }
    }

    /**
     * A signing key from its PKCS#8 encoding (as {@link #pkcs8} gives it).
     *
     * @throws IllegalArgumentException when the bytes are no private key of that algorithm
     */
    public static AssertionKey fromPkcs8(String keyId, JwtAlgorithm algorithm, byte[] der) {
        requireUsable(keyId, algorithm);
        try {
            return switch (algorithm) {
                case ES256 -> {
                    ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
                            .generatePrivate(new PKCS8EncodedKeySpec(der));
                    ECKey jwk = new ECKey.Builder(Curve.P_256, ecPublicKey(key)).privateKey(key).keyID(keyId)
                            .algorithm(JWSAlgorithm.ES256).keyUse(KeyUse.SIGNATURE).build();
                    yield new AssertionKey(keyId, algorithm, jwk.toPublicJWK(), Optional.of(new ECDSASigner(jwk)),
                            Optional.of(der.clone()));
                }
                default -> {
                    EdECPrivateKey key = (EdECPrivateKey) KeyFactory.getInstance("Ed25519")
                            .generatePrivate(new PKCS8EncodedKeySpec(der));
                    byte[] d = key.getBytes().orElseThrow(() -> new IllegalArgumentException("no key bytes"));
                    byte[] x = new Ed25519PrivateKeyParameters(d, 0).generatePublicKey().getEncoded();
                    OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
                            .d(Base64URL.encode(d)).keyID(keyId).algorithm(JWSAlgorithm.EdDSA)
                            .keyUse(KeyUse.SIGNATURE).build();
                    Arrays.fill(d, (byte) 0);
                    yield new AssertionKey(keyId, algorithm, jwk.toPublicJWK(), Optional.of(new Ed25519Signer(jwk)),
                            Optional.of(der.clone()));
                }
            };
        } catch (GeneralSecurityException | ClassCastException | JOSEException e) {
            throw new IllegalArgumentException("not a " + algorithm.jwsName() + " private key ("
                    + (algorithm == JwtAlgorithm.ES256 ? "EC P-256" : "Ed25519") + ", PKCS#8)");
        }
    }

    /**
     * A key that only verifies, from a published JWK (JSON) as {@link #publicJwk} wrote it.
     *
     * @throws IllegalArgumentException when the JSON is no public ES256 or Ed25519 key with this id
     */
    public static AssertionKey fromPublicJwk(String json) {
        try {
            JWK jwk = JWK.parse(json);
            JwtAlgorithm algorithm = switch (jwk) {
                case ECKey ec when Curve.P_256.equals(ec.getCurve()) -> JwtAlgorithm.ES256;
                case OctetKeyPair okp when Curve.Ed25519.equals(okp.getCurve()) -> JwtAlgorithm.EDDSA;
                default -> throw new IllegalArgumentException("not an ES256 or Ed25519 key");
            };
            requireUsable(jwk.getKeyID(), algorithm);
            return new AssertionKey(jwk.getKeyID(), algorithm, jwk.toPublicJWK(), Optional.empty(), Optional.empty());
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWK");
        }
    }

    private static AssertionKey fromX509(String keyId, JwtAlgorithm algorithm, byte[] der) {
        try {
            JWK jwk = switch (algorithm) {
                case ES256 -> {
                    PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
                    ECPublicKey ec = (ECPublicKey) key;
                    if (!Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
                        throw new IllegalArgumentException("ES256 needs a key on the P-256 curve");
                    }
                    yield new ECKey.Builder(Curve.P_256, ec).keyID(keyId).algorithm(JWSAlgorithm.ES256)
                            .keyUse(KeyUse.SIGNATURE).build();
                }
                default -> {
                    KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
                    byte[] x = Arrays.copyOfRange(der, der.length - 32, der.length);
                    yield new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(keyId)
                            .algorithm(JWSAlgorithm.EdDSA).keyUse(KeyUse.SIGNATURE).build();
                }
            };
            return new AssertionKey(keyId, algorithm, jwk, Optional.empty(), Optional.empty());
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not a " + algorithm.jwsName() + " public key");
        }
    }

    /** P-256's public point d·G, for a PKCS#8 key that need not carry it. */
    private static ECPublicKey ecPublicKey(ECPrivateKey key) throws GeneralSecurityException {
        if (!Curve.P_256.equals(Curve.forECParameterSpec(key.getParams()))) {
            throw new IllegalArgumentException("ES256 needs a key on the P-256 curve");
        }
        org.bouncycastle.math.ec.ECPoint q = ECNamedCurveTable.getParameterSpec("secp256r1").getG()
                .multiply(key.getS()).normalize();
        BigInteger x = q.getAffineXCoord().toBigInteger();
        BigInteger y = q.getAffineYCoord().toBigInteger();
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y),
                key.getParams()));
    }

    private static void requireUsable(String keyId, JwtAlgorithm algorithm) {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("a key id is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'");
        }
        if (algorithm != JwtAlgorithm.ES256 && algorithm != JwtAlgorithm.EDDSA) {
            throw new IllegalArgumentException("identity assertions are signed with ES256 or EdDSA, not "
                    + algorithm.jwsName());
        }
    }

    public String keyId() {
        return keyId;
    }

    public JwtAlgorithm algorithm() {
        return algorithm;
    }

    /** The public key as a JWK ({@code kid}, {@code alg}, {@code use: sig}). */
    public JWK publicJwk() {
        return publicJwk;
    }

    public boolean canSign() {
        return signer.isPresent();
    }

    JWSSigner signer() {
        return signer.orElseThrow(() -> new IllegalStateException("key " + keyId + " only verifies"));
    }

    /** The private key, PKCS#8-encoded, for sealing into the store; a copy the caller should wipe. */
    byte[] pkcs8() {
        return pkcs8.orElseThrow(() -> new IllegalStateException("key " + keyId + " has no private half")).clone();
    }

    @Override
    public String toString() {
        return "AssertionKey[" + keyId + ", " + algorithm.jwsName() + (canSign() ? ", signs" : "") + "]";
    }
}
