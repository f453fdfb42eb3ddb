package io.portcullis.core;

import java.io.InputStream;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A request as the core sees it, whatever carried it (Helidon, API Gateway).
 *
 * @param method the HTTP method, upper case
 * @param rawPath the path as received, still percent-encoded
 * @param rawQuery the query as received without {@code ?}, or empty
 * @param headers the request headers
 * @param peer the address of the connection's other end (the client, or a proxy in front)
 * @param secure whether the client connection was TLS
 * @param body opens the request body; only the login handler reads it, bounded
 */
public record GatewayRequest(
        String method,
        String rawPath,
        String rawQuery,
        RequestHeaders headers,
        InetAddress peer,
        boolean secure,
        Supplier<InputStream> body) {

    public GatewayRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        rawQuery = rawQuery == null ? "" : rawQuery;
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(body, "body");
    }

    /** The body's media type, lower case, without parameters ({@code application/json}); empty when not given. */
    public String mediaType() {
        return headers.first("Content-Type").orElse("").split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    /** Whether the body is an HTML form ({@code application/x-www-form-urlencoded}), as browsers post them. */
    public boolean isForm() {
        return mediaType().equals("application/x-www-form-urlencoded");
    }
}
