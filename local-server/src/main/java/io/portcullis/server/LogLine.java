package io.portcullis.server;

/**
 * One access or audit line: a flat JSON object written straight into text, field by field. Every request writes
 * one, so it is not built as a Jackson tree and serialised later (that was a tenth of the request path's CPU).
 * Strings are escaped as RFC 8259 requires ({@code "}, {@code \} and the control characters), so a CR or LF
 * inside a value cannot forge a line; a lone surrogate is escaped too, so the text stays valid UTF-8 once
 * encoded. Numbers are written as {@link Long#toString} and {@link Double#toString} write them, as Jackson did.
 */
final class LogLine {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder text = new StringBuilder(256);

    /** @param log which log the line belongs to: {@code access} or {@code audit} */
    LogLine(String time, String log) {
        text.append('{');
        put("time", time).put("log", log);
    }

    LogLine put(String name, String value) {
        name(name);
        string(value);
        return this;
    }

    LogLine put(String name, long value) {
        name(name);
        text.append(value);
        return this;
    }

    LogLine put(String name, double value) {
        name(name);
        text.append(value);
        return this;
    }

    /** The line's JSON text, without a line break. */
    String json() {
        return text + "}";
    }

    /** A field name: always the code's own identifier (never input), so it needs no escaping. */
    private void name(String name) {
        text.append(text.length() > 1 ? ",\"" : "\"").append(name).append("\":");
    }

    private void string(String value) {
        text.append('"');
        int plainFrom = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++; // a well-formed pair goes out as it is
                continue;
            }
            text.append(value, plainFrom, i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                case '\b' -> text.append("\\b");
                case '\f' -> text.append("\\f");
                default -> text.append("\\u").append(HEX[c >> 12]).append(HEX[c >> 8 & 0xF])
                        .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
            }
            plainFrom = i + 1;
        }
        text.append(value, plainFrom, value.length()).append('"');
    }
}
