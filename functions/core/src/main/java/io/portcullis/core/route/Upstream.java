package io.portcullis.core.route;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how a route's requests go.
 *
 * @param backends one or more backends (several: weighted, with failover)
 * @param proxy an HTTP proxy to go through
 * @param tls CAs and client certificate for https backends, when not the defaults
 * @param replayNonIdempotent whether a POST or PATCH may be sent to the next backend after a failure (the backend
 *     may have acted on it); idempotent methods always may
 */
public record Upstream(Backends backends, Optional<UpstreamProxy> proxy, Optional<UpstreamTls> tls,
        boolean replayNonIdempotent) {
    public Upstream {
        Objects.requireNonNull(backends, "backends");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(tls, "tls");
    }

    /** One backend, reached directly with the default TLS settings. */
    public static Upstream direct(java.net.URI target) {
        return new Upstream(new Backends(List.of(Backend.of(target)), Clock.systemUTC()), Optional.empty(),
                Optional.empty(), false);
    }
}
