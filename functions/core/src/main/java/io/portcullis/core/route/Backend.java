package io.portcullis.core.route;

import java.net.URI;
import java.util.Objects;

/**
 * One backend of a route.
 *
 * @param base the backend's base URI (http or https, no query); the request path is appended to its path
 * @param weight its share of requests among the active backends (at least 1)
 * @param standby whether it only takes requests when every active backend is down (ProxyAuth's weight -1)
 */
public record Backend(URI base, int weight, boolean standby) {
    public Backend {
        Objects.requireNonNull(base, "base");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1");
        }
    }

    /** A route's only backend. */
    public static Backend of(URI base) {
        return new Backend(base, 1, false);
    }
}
