package io.portcullis.infra.http1;

import java.nio.charset.StandardCharsets;

/**
 * Field names as strings, without a new string for the names nearly every message carries: a name spelled exactly
 * like one of these (the way clients and servers write them) is that constant.
 */
final class FieldNames {
    private static final String[] COMMON = {
        "Host", "host", "User-Agent", "user-agent", "Accept", "accept", "Accept-Encoding", "accept-encoding",
        "Accept-Language", "accept-language", "Authorization", "authorization", "Connection", "connection",
        "Content-Length", "content-length", "Content-Type", "content-type", "Cookie", "cookie", "Date", "date",
        "Server", "server", "Transfer-Encoding", "transfer-encoding", "Keep-Alive", "keep-alive", "Cache-Control",
        "cache-control", "Set-Cookie", "set-cookie", "Origin", "origin", "Referer", "referer", "ETag", "etag",
        "Last-Modified", "last-modified", "Vary", "vary", "X-Forwarded-For", "x-forwarded-for",
        "X-Forwarded-Proto", "x-forwarded-proto", "X-Forwarded-Host", "x-forwarded-host", "X-Request-Id",
        "x-request-id", "Upgrade", "upgrade", "Expect", "expect", "Location", "location"};
    /** Indexed by length, then by first byte: a handful of candidates to compare at most. */
    private static final String[][] BY_LENGTH = new String[32][];

    static {
        for (String name : COMMON) {
            String[] bucket = BY_LENGTH[name.length()];
            String[] grown = bucket == null ? new String[1] : java.util.Arrays.copyOf(bucket, bucket.length + 1);
            grown[grown.length - 1] = name;
            BY_LENGTH[name.length()] = grown;
        }
    }

    private FieldNames() {
    }

    static String of(byte[] b, int from, int to) {
        int length = to - from;
        if (length < BY_LENGTH.length && BY_LENGTH[length] != null) {
            for (String candidate : BY_LENGTH[length]) {
                if (matches(candidate, b, from, length)) {
                    return candidate;
                }
            }
        }
        return new String(b, from, length, StandardCharsets.ISO_8859_1);
    }

    private static boolean matches(String candidate, byte[] b, int from, int length) {
        for (int i = 0; i < length; i++) {
            if (candidate.charAt(i) != b[from + i]) {
                return false;
            }
        }
        return true;
    }
}
