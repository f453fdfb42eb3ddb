package io.portcullis.core;

/**
 * Something the gateway answers itself (a token, a revocation, a refusal), to be written by the shell as it
 * is; shells that count outcomes switch on the concrete type ({@link Issued}, {@link Revoked}, {@link Rejection}).
 */
public interface Reply {
    GatewayResponse toResponse();

    /** What this reply reports, for shells that count outcomes: itself, but a browser's answer its login result. */
    default Reply outcome() {
        return this;
    }
}
