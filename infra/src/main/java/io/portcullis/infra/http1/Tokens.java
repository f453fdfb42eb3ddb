package io.portcullis.infra.http1;

/** RFC 9110's character classes, and comma-separated lists of tokens (§5.6.1). */
final class Tokens {
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private Tokens() {
    }

    /** {@code tchar} (RFC 9110 §5.6.2): what a field name, a method or a transfer coding may contain. */
    static boolean isTchar(int b) {
        return b >= 0 && b < 128 && TCHAR[b];
    }

    static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isTchar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A field value's byte (RFC 9110 §5.5): visible ASCII, obs-text, space or tab; never a control or DEL. */
    static boolean isFieldValueByte(int b) {
        return b == '\t' || b >= 0x20 && b != 0x7f;
    }

    /** Whether the comma-separated {@code value} has {@code token} among its elements, ignoring case. */
    static boolean lists(String value, String token) {
        int length = value.length();
        int start = 0;
        while (start <= length) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            int from = start;
            int to = end;
            while (from < to && isWhitespace(value.charAt(from))) {
                from++;
            }
            while (to > from && isWhitespace(value.charAt(to - 1))) {
                to--;
            }
            if (to - from == token.length() && value.regionMatches(true, from, token, 0, token.length())) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            start = comma + 1;
        }
        return false;
    }

    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }
}
