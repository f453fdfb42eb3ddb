package io.portcullis.core.token;

import io.portcullis.core.port.KeyRing;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Private keys the gateway keeps in its store (generated signing keys), sealed with AES-256-GCM under a key derived
 * from the issuing token key: {@code <token key id>.base64url(nonce(12) | ciphertext | tag(16))}, with the name of
 * what is sealed (a {@code kid}) as associated data. Every instance with the same token keys opens them; a copy of
 * the store alone signs nothing.
 */
public final class SealedKeys {
    private static final String PURPOSE = "sealed-keys";
    private static final int NONCE_BYTES = 12;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final KeyRing keys;
    private final SecureRandom random;

    public SealedKeys(KeyRing keys, SecureRandom random) {
        this.keys = keys;
        this.random = random;
    }

    /** {@code secret} sealed under the issuing token key, bound to {@code name}. */
    public String seal(byte[] secret, String name) {
        TokenKey key = keys.issuingKey();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = cipher(Cipher.ENCRYPT_MODE, key, nonce, name, secret);
        byte[] out = new byte[NONCE_BYTES + sealed.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        return key.id() + "." + ENCODER.encodeToString(out);
    }

    /** What {@link #seal} sealed for {@code name}; empty if its token key is gone or the value was altered. */
    public Optional<byte[]> open(String sealed, String name) {
        int dot = sealed.indexOf('.');
        Optional<TokenKey> key = dot > 0 ? keys.key(sealed.substring(0, dot)) : Optional.empty();
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            byte[] bytes = DECODER.decode(sealed.substring(dot + 1));
            if (bytes.length <= NONCE_BYTES) {
                return Optional.empty();
            }
            return Optional.of(cipher(Cipher.DECRYPT_MODE, key.get(), Arrays.copyOf(bytes, NONCE_BYTES), name,
                    Arrays.copyOfRange(bytes, NONCE_BYTES, bytes.length)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] cipher(int mode, TokenKey key, byte[] nonce, String name, byte[] input) {
        byte[] derived = key.derive(PURPOSE, 32);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(derived, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("the sealed value does not open");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JDK", e);
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }
}
