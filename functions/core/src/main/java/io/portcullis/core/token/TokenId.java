package io.portcullis.core.token;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A token's 128-bit random identifier, as 32 lower-case hex digits. It names a token in logs, revocations and
 * admin calls; unlike the token itself it is not a credential.
 */
public record TokenId(String value) {
    static final int BYTES = 16;
    private static final HexFormat HEX = HexFormat.of();

    public TokenId {
        if (!isValid(value)) {
            throw new IllegalArgumentException("a token id is 32 lower-case hex digits");
        }
    }

    /** A loop rather than a regex: every verified token makes one of these. */
    private static boolean isValid(String value) {
        if (value == null || value.length() != BYTES * 2) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    public static TokenId random(SecureRandom random) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return new TokenId(HEX.formatHex(bytes));
    }

    static TokenId fromBytes(byte[] bytes) {
        return new TokenId(HEX.formatHex(bytes));
    }

    byte[] toBytes() {
        return HEX.parseHex(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
