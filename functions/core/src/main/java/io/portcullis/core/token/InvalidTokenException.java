package io.portcullis.core.token;

/**
 * A presented token was rejected. The reason is for logs and for choosing the client's message; the exception never
 * carries the token itself.
 */
public final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a token was rejected. */
    public enum Reason {
        /** Not a token at all: empty, too long, not base64url, truncated, or an unreadable payload. */
        MALFORMED,
        /** A format version this build does not read. */
        UNSUPPORTED_VERSION,
        /** Names a key id that no configured key has. */
        UNKNOWN_KEY,
        /** The authentication tag does not verify: tampered with, or sealed under another key. */
        FORGED,
        /** Its expiry time has been reached. */
        EXPIRED
    }

    private final Reason reason;

    InvalidTokenException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
