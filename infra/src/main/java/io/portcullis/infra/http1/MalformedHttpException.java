package io.portcullis.infra.http1;

import java.io.IOException;

/**
 * A message that breaks HTTP/1.1's syntax or framing rules. The message is safe to show a client: it names the rule,
 * never echoes the bytes. After one of these the connection's framing can no longer be trusted, so it is closed.
 */
public final class MalformedHttpException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What was wrong, which decides the answer on the server side (a backend's malformed answer is always 502). */
    public enum Kind {
        /** 400: the syntax or framing rules are broken. */
        MALFORMED(400, "bad_request"),
        /** 414: the request line is longer than the limit. */
        TARGET_TOO_LONG(414, "uri_too_long"),
        /** 431: the header section is larger than the limit. */
        HEADERS_TOO_LARGE(431, "headers_too_large"),
        /** 501: a transfer coding other than chunked. */
        UNSUPPORTED_CODING(501, "unsupported_transfer_coding"),
        /** 505: a protocol version other than HTTP/1.0 and HTTP/1.1. */
        UNSUPPORTED_VERSION(505, "http_version_not_supported");

        private final int status;
        private final String code;

        Kind(int status, String code) {
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    private final Kind kind;

    public MalformedHttpException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public MalformedHttpException(String message) {
        this(Kind.MALFORMED, message);
    }

    public Kind kind() {
        return kind;
    }
}
