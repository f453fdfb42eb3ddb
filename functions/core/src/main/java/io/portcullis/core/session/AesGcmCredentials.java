package io.portcullis.core.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Session credentials sealed with AES-256-GCM (the JDK's implementation).
 *
 * <p>Stored format: {@code [<key id> "."] base64(nonce(12) | ciphertext | tag(16))}, standard base64 with
 * padding. The plaintext is {@code user:pass} in UTF-8; the associated data is the session id in UTF-8, so a value
 * copied to another session does not open. A value without a key id is opened with the first configured key; one
 * with a key id only with that key (rotation: add the new key first, re-seal, then drop the old one). The nonce is
 * random per value (at most 2^32 values per key, NIST SP 800-38D).
 *
 * <p>Any failure (unknown key id, bad base64, tampered bytes, another key, another session) is an
 * {@link UnusableCredentialsException}, which the gateway answers with 401.
 */
public final class AesGcmCredentials implements CredentialFormat {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder ENCODER = Base64.getEncoder();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private final List<CredentialKey> keys;
    private final SecureRandom random;

    /** @param keys at least one; the first seals, and opens values that name no key */
    public AesGcmCredentials(List<CredentialKey> keys, SecureRandom random) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("AES-GCM credentials need at least one key");
        }
        this.keys = List.copyOf(keys);
        this.random = random;
    }

    /**
     * Seals {@code userColonPass} for {@code sessionId} under the first key, naming it: what the website (or a
     * test) writes into the session store.
     */
    public String seal(String sessionId, String userColonPass) {
        CredentialKey key = keys.getFirst();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, sessionId);
            byte[] sealed = cipher.doFinal(userColonPass.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return key.id() + "." + ENCODER.encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    @Override
    public BasicCredentials open(String sessionId, String stored) throws UnusableCredentialsException {
        int dot = stored.indexOf('.');
        Optional<CredentialKey> key = dot < 0 ? Optional.of(keys.getFirst())
                : keys.stream().filter(k -> k.id().equals(stored.substring(0, dot))).findFirst();
        if (key.isEmpty()) {
            throw new UnusableCredentialsException("stored credentials name an unknown key");
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(stored.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new UnusableCredentialsException("stored credentials are not base64");
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8 + 1) {
            throw new UnusableCredentialsException("stored credentials are truncated");
        }
        byte[] plain = null;
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key.get(), Arrays.copyOf(bytes, NONCE_BYTES), sessionId);
            plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            if (!Base64Credentials.isUserColonPass(plain)) {
                throw new UnusableCredentialsException("sealed credentials are not user:pass");
            }
            return new BasicCredentials(ENCODER.encodeToString(plain));
        } catch (AEADBadTagException e) {
            throw new UnusableCredentialsException("stored credentials fail authentication");
        } catch (GeneralSecurityException e) {
            throw new UnusableCredentialsException("stored credentials cannot be opened");
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    private static Cipher cipher(int mode, CredentialKey key, byte[] nonce, String sessionId)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(sessionId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    @Override
    public String toString() {
        return "AesGcmCredentials[" + keys.stream().map(CredentialKey::id).toList() + "]";
    }
}
