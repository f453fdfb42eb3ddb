package io.portcullis.core.session;

/**
 * Backend credentials ready for the upstream request: the value of {@code Authorization}, {@code Basic} and
 * {@code base64(user:pass)}. Never printed.
 */
public final class BasicCredentials {
    private final String headerValue;

    BasicCredentials(String base64UserPass) {
        this.headerValue = "Basic " + base64UserPass;
    }

    /** {@code Basic <base64(user:pass)>}. */
    public String headerValue() {
        return headerValue;
    }

    @Override
    public String toString() {
        return "BasicCredentials[redacted]";
    }
}
