package io.portcullis.core.session;

/**
 * A session's stored credentials cannot be turned into backend credentials: tampered with, sealed under another
 * key or for another session, or not in the configured format. Never carries the stored value.
 */
public final class UnusableCredentialsException extends Exception {
    private static final long serialVersionUID = 1L;

    UnusableCredentialsException(String message) {
        super(message, null, false, false);
    }
}
