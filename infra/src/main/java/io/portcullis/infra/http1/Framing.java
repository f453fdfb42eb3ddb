package io.portcullis.infra.http1;

import java.util.Locale;

/**
 * How a message's body is delimited (RFC 9112 §6.3), decided once from its head. Anything that could be read two
 * ways is refused rather than guessed: that disagreement between two parsers of one byte stream is what request
 * smuggling and response splitting feed on.
 *
 * @param kind how the body ends
 * @param length the body's length, for {@link Kind#LENGTH}; -1 otherwise
 */
public record Framing(Kind kind, long length) {
    /** The ways a body can be delimited. */
    public enum Kind {
        /** No body. */
        NONE,
        /** Exactly {@code length} bytes ({@code Content-Length}). */
        LENGTH,
        /** The chunked transfer coding. */
        CHUNKED,
        /** Everything until the sender closes the connection (responses only). */
        UNTIL_CLOSE
    }

    public static final Framing NONE = new Framing(Kind.NONE, -1);
    public static final Framing CHUNKED = new Framing(Kind.CHUNKED, -1);
    public static final Framing UNTIL_CLOSE = new Framing(Kind.UNTIL_CLOSE, -1);
    private static final Framing EMPTY = new Framing(Kind.LENGTH, 0);
    /** Content-Length values beyond this many digits could overflow a long. */
    private static final int MAX_LENGTH_DIGITS = 18;

    public static Framing length(long length) {
        return length == 0 ? EMPTY : new Framing(Kind.LENGTH, length);
    }

    /** Whether the message has body bytes to read (a {@code Content-Length: 0} has none). */
    public boolean hasBody() {
        return kind != Kind.NONE && length != 0;
    }

    /**
     * A request's framing. {@code Transfer-Encoding} must end in {@code chunked} (coding names ignore case) and
     * never come with {@code Content-Length} or in HTTP/1.0; {@code Content-Length} must be one field of digits.
     *
     * @throws MalformedHttpException {@code MALFORMED} (400, then close) for ambiguous or invalid framing,
     *     {@code UNSUPPORTED_CODING} (501) for a transfer coding other than chunked
     */
    public static Framing ofRequest(RequestHead head) throws MalformedHttpException {
        HeaderFields headers = head.headers();
        boolean hasLength = headers.count("Content-Length") > 0;
        if (headers.count("Transfer-Encoding") > 0) {
            if (head.minorVersion() == 0) {
                throw new MalformedHttpException("Transfer-Encoding is not defined in HTTP/1.0");
            }
            if (hasLength) {
                throw new MalformedHttpException("a request must not have both Transfer-Encoding and Content-Length");
            }
            requireChunkedLast(headers, true);
            return CHUNKED;
        }
        return hasLength ? length(contentLength(headers)) : NONE;
    }

    /**
     * A backend's answer's framing, for a request with {@code method}. Answers to HEAD, 1xx, 204 and 304 have no
     * body whatever their fields say; otherwise {@code Transfer-Encoding} must be exactly {@code chunked} and
     * alone, {@code Content-Length} one field of digits, and an answer with neither runs until the backend closes.
     *
     * @throws MalformedHttpException for framing that could be read two ways, which the caller answers with 502
     */
    public static Framing ofResponse(ResponseHead head, String method) throws MalformedHttpException {
        int status = head.status();
        if (method.equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return NONE;
        }
        HeaderFields headers = head.headers();
        boolean hasLength = headers.count("Content-Length") > 0;
        if (headers.count("Transfer-Encoding") > 0) {
            if (hasLength) {
                throw new MalformedHttpException("the answer has both Transfer-Encoding and Content-Length");
            }
            requireChunkedLast(headers, false);
            return CHUNKED;
        }
        return hasLength ? length(contentLength(headers)) : UNTIL_CLOSE;
    }

    /**
     * Every {@code Transfer-Encoding} element: names are tokens, {@code chunked} comes last and once. A request may
     * name other codings before it (then 501, they are not decoded here); an answer may not.
     */
    private static void requireChunkedLast(HeaderFields headers, boolean request) throws MalformedHttpException {
        String last = null;
        boolean chunkedSeen = false;
        boolean other = false;
        for (String value : headers.all("Transfer-Encoding")) {
            for (String element : value.split(",", -1)) {
                String coding = element.strip();
                if (coding.isEmpty()) {
                    continue;
                }
                int semicolon = coding.indexOf(';');
                String name = (semicolon < 0 ? coding : coding.substring(0, semicolon)).strip()
                        .toLowerCase(Locale.ROOT);
                if (!Tokens.isToken(name)) {
                    throw new MalformedHttpException("Transfer-Encoding names an invalid coding");
                }
                if (name.equals("chunked")) {
                    if (chunkedSeen || semicolon >= 0) {
                        throw new MalformedHttpException("chunked must be applied once, without parameters");
                    }
                    chunkedSeen = true;
                } else {
                    if (chunkedSeen) {
                        throw new MalformedHttpException("chunked must be the final transfer coding");
                    }
                    other = true;
                }
                last = name;
            }
        }
        if (last == null) {
            throw new MalformedHttpException("Transfer-Encoding is empty");
        }
        if (!last.equals("chunked")) {
            throw new MalformedHttpException("chunked must be the final transfer coding");
        }
        if (other) {
            if (request) {
                throw new MalformedHttpException(MalformedHttpException.Kind.UNSUPPORTED_CODING,
                        "only the chunked transfer coding is supported");
            }
            throw new MalformedHttpException("the answer uses a transfer coding other than chunked");
        }
    }

    /** The one {@code Content-Length} field's value: digits only, no sign, no list, no second field. */
    private static long contentLength(HeaderFields headers) throws MalformedHttpException {
        if (headers.count("Content-Length") != 1) {
            throw new MalformedHttpException("Content-Length must be given once");
        }
        String value = headers.first("Content-Length").orElseThrow();
        if (value.isEmpty() || value.length() > MAX_LENGTH_DIGITS) {
            throw new MalformedHttpException("Content-Length must be a number of bytes");
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedHttpException("Content-Length must be a number of bytes");
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }
}
