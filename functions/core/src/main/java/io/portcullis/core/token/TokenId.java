package io.portcullis.core.token;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A token's 128-bit random identifier, as 32 lower-case hex digits. It names a token in logs, revocations and
 * admin calls; unlike the token itself it is not a credential.
 */
public record TokenId(String value) {
    static final int BYTES = 16;
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32}");
    private static final HexFormat HEX = HexFormat.of();

    public TokenId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("a token id is 32 lower-case hex digits");
        }
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
