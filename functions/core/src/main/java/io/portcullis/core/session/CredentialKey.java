package io.portcullis.core.session;

import io.portcullis.core.token.SecretBytes;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/** An AES-256 key for session credentials, with the id that stored values may name it by. */
public final class CredentialKey {
    public static final int KEY_BYTES = 32;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private final String id;
    private final SecretKeySpec key;

    private CredentialKey(String id, SecretKeySpec key) {
        this.id = id;
        this.key = key;
    }

    /**
     * A key from its base64 text ({@code openssl rand -base64 32}).
     *
     * @throws IllegalArgumentException when the id is not 1 to 32 of {@code A-Z a-z 0-9 _ -} or the key is not
     *     base64 of exactly 32 bytes
     */
    public static CredentialKey fromBase64(String id, SecretBytes base64) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a credential key id is 1 to 32 of A-Z a-z 0-9 _ -");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.toByteArray());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key is not base64 (generate one with: openssl rand -base64 32)");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("the key is " + bytes.length + " bytes; AES-256 needs exactly "
                    + KEY_BYTES + " (generate one with: openssl rand -base64 32)");
        }
        try {
            return new CredentialKey(id, new SecretKeySpec(bytes, "AES"));
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    public String id() {
        return id;
    }

    SecretKeySpec key() {
        return key;
    }

    @Override
    public String toString() {
        return "CredentialKey[" + id + ", redacted]";
    }
}
