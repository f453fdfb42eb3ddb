package io.portcullis.core;

import java.io.InputStream;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
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
 * @param vouchedHost the host the client asked for, when the edge in front of the gateway vouches for it (API
 *     Gateway answers only for its own domain names); empty where the gateway is the edge: there a client's
 *     {@code Host} header is its own claim, and only a trusted proxy's report counts
 */
public record GatewayRequest(
        String method,
        String rawPath,
        String rawQuery,
        RequestHeaders headers,
        InetAddress peer,
        boolean secure,
        Supplier<InputStream> body,
        Optional<String> vouchedHost) {

    public GatewayRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        rawQuery = rawQuery == null ? "" : rawQuery;
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(vouchedHost, "vouchedHost");
    }

    /** A request that arrived at the gateway directly or through configured proxies: no edge vouches for a host. */
    public GatewayRequest(String method, String rawPath, String rawQuery, RequestHeaders headers, InetAddress peer,
            boolean secure, Supplier<InputStream> body) {
        this(method, rawPath, rawQuery, headers, peer, secure, body, Optional.empty());
    }

    /** The body's media type, lower case, without parameters ({@code application/json}); empty when not given. */
    public String mediaType() {
        return headers.first("Content-Type").orElse("").split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    /** Whether the request asks to become a WebSocket ({@code Upgrade: websocket}, RFC 6455 §4.1). */
    public boolean upgradesToWebSocket() {
        for (String value : headers.all("Upgrade")) {
            for (String protocol : value.split(",")) {
                if (protocol.strip().equalsIgnoreCase("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the body is an HTML form ({@code application/x-www-form-urlencoded}), as browsers post them. */
    public boolean isForm() {
        return mediaType().equals("application/x-www-form-urlencoded");
    }
}
