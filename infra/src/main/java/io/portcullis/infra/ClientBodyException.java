package io.portcullis.infra;

import java.io.IOException;

/**
 * Reading the client's request body failed while it was being sent upstream: the client went away, or its body
 * broke the framing rules (the cause is then a {@link io.portcullis.infra.http1.MalformedHttpException}). The
 * client's fault, not the backend's: no failover, no passive-health mark, and the client's side answers it.
 */
public final class ClientBodyException extends IOException {
    private static final long serialVersionUID = 1L;

    ClientBodyException(IOException cause) {
        super("the client's request body broke off: " + cause.getMessage(), cause);
    }
}
