package io.portcullis.infra;

import io.portcullis.core.Rejection;

/** The backend could not be reached, or did not answer in time. The message is for logs, not for clients. */
public final class UpstreamException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, which decides the status the client gets. */
    public enum Kind {
        /** Refused, unresolvable, reset before answering: 502. */
        UNREACHABLE,
        /** No connection or no answer within the configured timeout: 504. */
        TIMEOUT,
        /** Every connection the backend may have was busy for the whole queue timeout: 503. */
        BUSY
    }

    private final Kind kind;

    UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** What the client is told: 502, 504 or 503. */
    public Rejection rejection() {
        return switch (kind) {
            case UNREACHABLE -> Rejection.badGateway();
            case TIMEOUT -> Rejection.gatewayTimeout();
            case BUSY -> Rejection.upstreamBusy();
        };
    }
}
