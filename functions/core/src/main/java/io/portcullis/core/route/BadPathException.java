package io.portcullis.core.route;

/** A request path the gateway will not route: ambiguous or hostile encodings. The message is client-safe. */
public final class BadPathException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadPathException(String message) {
        super(message);
    }
}
