package io.portcullis.infra.http1;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a message head (start line and header section, RFC 9112 §2–5) strictly: one space between the parts of
 * the start line, lines ending in CRLF, field names of token characters with no space before the colon, no line
 * folding, no control characters in values, and limits on every length. Whatever breaks a rule is refused with a
 * {@link MalformedHttpException}, never repaired, since a repair is a second opinion about where a message ends.
 */
public final class HeadParser {
    /** Empty lines skipped before a request line (RFC 9112 §2.2: a client may send a CRLF after a POST body). */
    private static final int MAX_LEADING_EMPTY_LINES = 4;
    private static final int MAX_METHOD_LENGTH = 32;

    /**
     * What a head may hold.
     *
     * @param maxStartLine the longest request or status line, CRLF included
     * @param maxHeadBytes the largest head, start line and fields together
     * @param maxFields the most header field lines
     */
    public record Limits(int maxStartLine, int maxHeadBytes, int maxFields) {
        public Limits {
            if (maxStartLine < 16 || maxHeadBytes < maxStartLine || maxFields < 1) {
                throw new IllegalArgumentException("limits out of range");
            }
        }
    }

    private HeadParser() {
    }

    /**
     * Reads a request head: {@code method SP request-target SP HTTP/1.x}, then its fields. HTTP/1.1 needs exactly
     * one {@code Host} field (RFC 9112 §3.2); HTTP/1.0 at most one.
     */
    public static RequestHead request(Http1Input in, Limits limits) throws IOException {
        // The line starts at the position lineEnd leaves: reading more may have moved the buffered bytes.
        int lf = in.lineEnd(limits.maxStartLine(), MalformedHttpException.Kind.TARGET_TOO_LONG, "the request line");
        for (int skipped = 0; lf == in.position() + 1; skipped++) {
            if (skipped == MAX_LEADING_EMPTY_LINES) {
                throw new MalformedHttpException("empty lines instead of a request line");
            }
            in.consumeTo(lf + 1);
            lf = in.lineEnd(limits.maxStartLine(), MalformedHttpException.Kind.TARGET_TOO_LONG, "the request line");
        }
        int start = in.position();
        byte[] b = in.buffer();
        int lineEnd = lf - 1;
        int firstSpace = indexOf(b, start, lineEnd, (byte) ' ');
        if (firstSpace <= start || firstSpace - start > MAX_METHOD_LENGTH) {
            throw new MalformedHttpException("the request line must be: method, target, version");
        }
        for (int i = start; i < firstSpace; i++) {
            if (!Tokens.isTchar(b[i])) {
                throw new MalformedHttpException("the method is not a token");
            }
        }
        int targetStart = firstSpace + 1;
        int secondSpace = indexOf(b, targetStart, lineEnd, (byte) ' ');
        if (secondSpace <= targetStart) {
            throw new MalformedHttpException("the request line must be: method, target, version");
        }
        int query = -1;
        for (int i = targetStart; i < secondSpace; i++) {
            byte c = b[i];
            // Visible ASCII only: no space, control, DEL or raw non-ASCII byte, and no fragment.
            if (c < 0x21 || c > 0x7e || c == '#') {
                throw new MalformedHttpException("the request target has a character that must be percent-encoded");
            }
            if (c == '?' && query < 0) {
                query = i;
            }
        }
        int minor = version(b, secondSpace + 1, lineEnd, "HTTP/1.");
        String method = ascii(b, start, firstSpace);
        String target = ascii(b, targetStart, secondSpace);
        int pathEnd = query < 0 ? secondSpace : query;
        int pathStart = originOf(b, targetStart, pathEnd);
        String rawPath = pathStart == pathEnd ? "/" : ascii(b, pathStart, pathEnd);
        String rawQuery = query < 0 ? "" : ascii(b, query + 1, secondSpace);
        in.consumeTo(lf + 1);
        HeaderFields headers = fields(in, limits, lf + 1 - start);
        int hosts = headers.count("Host");
        if (hosts > 1 || hosts == 0 && minor == 1) {
            throw new MalformedHttpException("an HTTP/1.1 request needs exactly one Host field");
        }
        return new RequestHead(method, target, rawPath, rawQuery, minor, headers);
    }

    /** Reads a response head: {@code HTTP/1.x SP 3DIGIT SP [reason]}, then its fields. */
    public static ResponseHead response(Http1Input in, Limits limits) throws IOException {
        int lf = in.lineEnd(limits.maxStartLine(), MalformedHttpException.Kind.MALFORMED, "the status line");
        int start = in.position();
        byte[] b = in.buffer();
        int lineEnd = lf - 1;
        if (lineEnd - start < 12 || b[start + 8] != ' ' || b[start + 12] != ' ' && lineEnd > start + 12) {
            throw new MalformedHttpException("the status line must be: version, status code, reason");
        }
        int minor = version(b, start, start + 8, "HTTP/1.");
        int status = 0;
        for (int i = start + 9; i < start + 12; i++) {
            if (b[i] < '0' || b[i] > '9') {
                throw new MalformedHttpException("the status code is not three digits");
            }
            status = status * 10 + b[i] - '0';
        }
        if (status < 100) {
            throw new MalformedHttpException("the status code is out of range");
        }
        for (int i = start + 13; i < lineEnd; i++) {
            if (!Tokens.isFieldValueByte(b[i])) {
                throw new MalformedHttpException("the reason phrase has a control character");
            }
        }
        in.consumeTo(lf + 1);
        return new ResponseHead(minor, status, fields(in, limits, lf + 1 - start));
    }

    /**
     * Reads header fields up to the empty line that ends them; also the trailer section of a chunked body.
     *
     * @param used head bytes already read (the start line)
     */
    static HeaderFields fields(Http1Input in, Limits limits, int used) throws IOException {
        HeaderFields fields = new HeaderFields();
        while (true) {
            int remaining = limits.maxHeadBytes() - used;
            if (remaining <= 2) {
                throw new MalformedHttpException(MalformedHttpException.Kind.HEADERS_TOO_LARGE,
                        "the header section is larger than " + limits.maxHeadBytes() + " bytes");
            }
            int lf = in.lineEnd(remaining, MalformedHttpException.Kind.HEADERS_TOO_LARGE, "the header section");
            int start = in.position();
            used += lf + 1 - start;
            in.consumeTo(lf + 1);
            int lineEnd = lf - 1;
            if (lineEnd == start) {
                return fields;
            }
            if (fields.size() == limits.maxFields()) {
                throw new MalformedHttpException(MalformedHttpException.Kind.HEADERS_TOO_LARGE,
                        "more than " + limits.maxFields() + " header fields");
            }
            addField(fields, in.buffer(), start, lineEnd);
        }
    }

    private static void addField(HeaderFields fields, byte[] b, int start, int end) throws MalformedHttpException {
        if (b[start] == ' ' || b[start] == '\t') {
            throw new MalformedHttpException("obsolete line folding in the header section");
        }
        int colon = start;
        while (colon < end && b[colon] != ':') {
            if (!Tokens.isTchar(b[colon])) {
                throw new MalformedHttpException("a header field name has a character that is not allowed");
            }
            colon++;
        }
        if (colon == start || colon == end) {
            throw new MalformedHttpException("a header field has no name or no colon");
        }
        int from = colon + 1;
        int to = end;
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        for (int i = from; i < to; i++) {
            if (!Tokens.isFieldValueByte(b[i] & 0xff)) {
                throw new MalformedHttpException("a header field value has a control character");
            }
        }
        fields.add(FieldNames.of(b, start, colon), new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    }

    /**
     * The minor version of {@code HTTP/1.0} or {@code HTTP/1.1} at {@code [from, to)}. Another well-formed version
     * ({@code HTTP/2.0}, {@code HTTP/1.2}) is {@code UNSUPPORTED_VERSION}; anything else is malformed.
     */
    private static int version(byte[] b, int from, int to, String prefix) throws MalformedHttpException {
        if (to - from == 8 && b[from] == 'H' && b[from + 1] == 'T' && b[from + 2] == 'T' && b[from + 3] == 'P'
                && b[from + 4] == '/' && isDigit(b[from + 5]) && b[from + 6] == '.' && isDigit(b[from + 7])) {
            if (b[from + 5] == '1' && (b[from + 7] == '1' || b[from + 7] == '0')) {
                return b[from + 7] - '0';
            }
            throw new MalformedHttpException(MalformedHttpException.Kind.UNSUPPORTED_VERSION,
                    "only HTTP/1.1 (and HTTP/1.0) are served here");
        }
        throw new MalformedHttpException("the protocol version is not " + prefix + "x");
    }

    /**
     * Where the path starts in a target: the target itself for origin form ({@code /a?b}); after the authority for
     * absolute form ({@code http://host/a?b}, which servers must accept, RFC 9112 §3.2.2).
     */
    private static int originOf(byte[] b, int from, int to) {
        if (b[from] == '/') {
            return from;
        }
        int schemeEnd = indexOf(b, from, to, (byte) ':');
        if (schemeEnd < 0 || schemeEnd + 2 >= to || b[schemeEnd + 1] != '/' || b[schemeEnd + 2] != '/') {
            return from; // asterisk or authority form: left whole, for the caller to refuse
        }
        String scheme = ascii(b, from, schemeEnd);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return from;
        }
        int path = indexOf(b, schemeEnd + 3, to, (byte) '/');
        return path < 0 ? to : path;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int indexOf(byte[] b, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
