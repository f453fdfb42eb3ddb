package io.portcullis.server.cli;

/** A command cannot do what was asked; the message says why and is printed as is (exit code 1). */
final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message);
    }
}
