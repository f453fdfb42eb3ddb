package io.portcullis.core.token;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A token key: a key id and the 256-bit AEAD key derived from a configured secret with HKDF-SHA256. The key bytes
 * never leave this package; callers see only the id.
 */
public final class TokenKey {
    /** The smallest secret accepted, in bytes. */
    public static final int MIN_SECRET_BYTES = 32;
    /** The least estimated entropy accepted for a secret, in bits. */
    public static final double MIN_SECRET_BITS = 128;

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    private static final byte[] SALT = "portcullis/token-key/v1".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_BYTES = 32;
    private static final byte[] DERIVED_SALT = "portcullis/derived-key/v1".getBytes(StandardCharsets.US_ASCII);

    private final String id;
    private final byte[] idBytes;
    private final KeyParameter key;

    private TokenKey(String id, KeyParameter key) {
        this.id = id;
        this.idBytes = id.getBytes(StandardCharsets.US_ASCII);
        this.key = key;
    }

    /**
     * Derives the key for {@code id} from {@code secret}.
     *
     * @throws IllegalArgumentException if the id is not 1 to 32 of {@code [A-Za-z0-9._-]}, or the secret is shorter
     *     than {@value #MIN_SECRET_BYTES} bytes or visibly low in entropy (repetitive, a word repeated)
     */
    public static TokenKey derive(String id, SecretBytes secret) {
        if (id == null || !KEY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a key id is 1 to 32 characters of A-Z, a-z, 0-9, '.', '_', '-'");
        }
        byte[] ikm = secret.toByteArray();
        try {
            requireStrong(ikm);
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(ikm, SALT, ("key-id:" + id).getBytes(StandardCharsets.US_ASCII)));
            byte[] okm = new byte[KEY_BYTES];
            hkdf.generateBytes(okm, 0, okm.length);
            KeyParameter key = new KeyParameter(okm);
            Arrays.fill(okm, (byte) 0);
            return new TokenKey(id, key);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    private static void requireStrong(byte[] secret) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the secret is " + secret.length + " bytes; at least "
                    + MIN_SECRET_BYTES + " random bytes are required (generate one with: openssl rand -base64 32)");
        }
        if (estimatedBits(secret) < MIN_SECRET_BITS) {
            throw new IllegalArgumentException("the secret is too predictable (repeated characters or words); "
                    + "use random bytes (generate one with: openssl rand -base64 32)");
        }
    }

    /**
     * Length times the empirical Shannon entropy per byte: an upper estimate that catches repetition and small
     * alphabets ("aaaa…", a word repeated) without pretending to measure true randomness.
     */
    static double estimatedBits(byte[] secret) {
        int[] counts = new int[256];
        for (byte b : secret) {
            counts[b & 0xff]++;
        }
        double perByte = 0;
        for (int count : counts) {
            if (count > 0) {
                double p = (double) count / secret.length;
                perByte -= p * (Math.log(p) / Math.log(2));
            }
        }
        return perByte * secret.length;
    }

    public String id() {
        return id;
    }

    /**
     * A key for another use (a MAC, say) derived from this one with HKDF-SHA256, so one configured secret serves
     * several purposes without any two sharing key bytes.
     */
    byte[] derive(String purpose, int length) {
        // A copy: KeyParameter hands out its own array, which must not be wiped.
        byte[] ikm = key.getKey().clone();
        try {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(ikm, DERIVED_SALT, (purpose + ":" + id).getBytes(StandardCharsets.US_ASCII)));
            byte[] okm = new byte[length];
            hkdf.generateBytes(okm, 0, length);
            return okm;
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    byte[] idBytes() {
        return idBytes;
    }

    KeyParameter keyParameter() {
        return key;
    }

    @Override
    public String toString() {
        return "TokenKey[" + id + "]";
    }
}
