package io.portcullis.infra;

/** The backend could not be reached, or did not answer in time. The message is for logs, not for clients. */
public final class UpstreamException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, which decides the status the client gets. */
    public enum Kind {
        /** Refused, unresolvable, reset before answering: 502. */
        UNREACHABLE,
        /** No connection or no answer within the configured timeout: 504. */
        TIMEOUT
    }

    private final Kind kind;

    UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
