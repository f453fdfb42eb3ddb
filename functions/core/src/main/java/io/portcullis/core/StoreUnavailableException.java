package io.portcullis.core;

/**
 * A store (users, revocations, rate counters) could not answer in time. Adapters throw this instead of their own
 * exceptions; the gateway answers 503 and never decides on a guess.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
