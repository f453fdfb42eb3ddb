package io.portcullis.core.route;

import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * TLS towards a route's https backends when it differs from the default (the system trust store, no client
 * certificate): extra trusted CAs and/or a client certificate. Host names are always verified.
 *
 * @param context trust (system store plus the configured CAs) and key material (the client certificate)
 * @param description what was configured, for logs (never a password)
 */
public record UpstreamTls(SSLContext context, String description) {
    public UpstreamTls {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(description, "description");
    }
}
