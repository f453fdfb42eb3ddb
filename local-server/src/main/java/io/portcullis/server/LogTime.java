package io.portcullis.server;

import java.time.Instant;

/**
 * The {@code time} of a log line: what {@code instant.truncatedTo(MILLIS).toString()} writes, with the date and
 * time up to the second formatted once per second instead of once per line (the formatter was half of the access
 * line's cost on the request path, bench/README.md).
 */
final class LogTime {
    /** One second, formatted without its closing {@code Z}. */
    private record Second(long epochSecond, String text) {
    }

    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private LogTime() {
    }

    static String format(Instant at) {
        long epochSecond = at.getEpochSecond();
        Second second = last;
        if (second.epochSecond() != epochSecond) {
            String whole = Instant.ofEpochSecond(epochSecond).toString();
            second = new Second(epochSecond, whole.substring(0, whole.length() - 1));
            last = second;
        }
        int millis = at.getNano() / 1_000_000;
        if (millis == 0) {
            return second.text() + "Z"; // as Instant.toString: no fraction when there is none
        }
        StringBuilder text = new StringBuilder(second.text().length() + 5).append(second.text()).append('.');
        text.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10));
        return text.append((char) ('0' + millis % 10)).append('Z').toString();
    }
}
