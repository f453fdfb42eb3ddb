package io.portcullis.core.token;

import java.security.MessageDigest;

/**
 * Secret material that never prints itself: copies in and out, compares in constant time,
 * and says only its length in {@link #toString()}.
 */
public final class SecretBytes {
    private final byte[] bytes;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Takes a copy of {@code bytes}; the caller may wipe its array afterwards. */
    public static SecretBytes copyOf(byte[] bytes) {
        return new SecretBytes(bytes.clone());
    }

    public int length() {
        return bytes.length;
    }

    /** A fresh copy of the secret; wipe it when done. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Constant-time comparison: the time taken does not depend on where the secrets differ. */
    public boolean equalsSecret(SecretBytes other) {
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return "SecretBytes[" + bytes.length + " bytes, redacted]";
    }
}
