package io.portcullis.core.route;

import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP proxy that a route's upstream traffic goes through ({@code http://} targets as absolute-form requests,
 * {@code https://} targets through a {@code CONNECT} tunnel).
 *
 * @param username with {@code password}: sent as {@code Proxy-Authorization: Basic}
 */
public record UpstreamProxy(String host, int port, Optional<String> username, Optional<String> password) {
    public UpstreamProxy {
        Objects.requireNonNull(host, "host");
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("give both a user name and a password, or neither");
        }
    }

    @Override
    public String toString() {
        return "UpstreamProxy[" + host + ":" + port + username.map(u -> " as " + u).orElse("") + "]";
    }
}
