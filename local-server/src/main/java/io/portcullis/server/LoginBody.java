package io.portcullis.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A login's body as the core reads it, with a copy of what it read kept, so that the audit log can name the user a
 * failed login was for (a refusal does not carry it). Only the {@code username} field is ever taken from the copy;
 * the copy is dropped with the request.
 */
final class LoginBody implements Supplier<InputStream> {
    /** The core reads at most 16 KiB of a login; so does the copy. */
    private static final int MAX_BYTES = 16 * 1024;
    private static final int MAX_USERNAME = 128;

    private final Supplier<InputStream> body;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    LoginBody(Supplier<InputStream> body) {
        this.body = body;
    }

    @Override
    public InputStream get() {
        return new FilterInputStream(body.get()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0 && copy.size() < MAX_BYTES) {
                    copy.write(b);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    copy.write(buffer, offset, Math.min(n, MAX_BYTES - copy.size()));
                }
                return n;
            }
        };
    }

    /** The username the body gave, if the core read one (JSON or a form), cut to 128 characters. */
    Optional<String> username(String mediaType) {
        byte[] bytes = copy.toByteArray();
        if (bytes.length == 0) {
            return Optional.empty();
        }
        Optional<String> name = Optional.empty();
        if (mediaType.equals("application/json")) {
            try {
                JsonNode value = Json.tree(bytes).get("username");
                name = value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        } else if (mediaType.equals("application/x-www-form-urlencoded")) {
            for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&")) {
                if (pair.startsWith("username=")) {
                    try {
                        name = Optional.of(URLDecoder.decode(pair.substring(9), StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        return Optional.empty();
                    }
                    break;
                }
            }
        }
        return name.filter(n -> !n.isEmpty()).map(n -> LogSink.bounded(n, MAX_USERNAME));
    }
}
