package io.portcullis.core;

import java.util.Objects;

/** One header line the gateway writes. */
public record Header(String name, String value) {
    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header values never hold CR or LF");
        }
    }
}
