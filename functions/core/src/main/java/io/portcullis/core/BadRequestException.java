package io.portcullis.core;

/** A request body or parameter the gateway refuses; turned into a {@link Rejection} by the handler. */
final class BadRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    BadRequestException(String error, String message) {
        this(400, error, message);
    }

    BadRequestException(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    Rejection rejection() {
        return new Rejection(status, error, getMessage(), error, java.util.List.of());
    }
}
