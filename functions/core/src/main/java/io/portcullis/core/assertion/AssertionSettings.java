package io.portcullis.core.assertion;

import java.time.Duration;
import java.util.List;

/**
 * The {@code identity-assertions} section: a signed JWT for backends on the routes that ask for one.
 *
 * @param header the request header that carries it to the backend (a client's header of that name is dropped)
 * @param issuer its {@code iss}
 * @param lifetime from {@code iat} to {@code exp}, at most 60 s (and never past the token's own expiry)
 * @param routesDefault {@code identity-assertion} of routes that set none
 * @param keys the configured keys, the first that holds a private key signing; empty: generated into the store
 * @param keyRotation how often generated keys are replaced
 */
public record AssertionSettings(String header, String issuer, Duration lifetime, boolean routesDefault,
        List<AssertionKey> keys, Duration keyRotation) {
    public static final String DEFAULT_HEADER = "x-portcullis-assertion";
    public static final Duration MAX_LIFETIME = Duration.ofSeconds(60);

    public AssertionSettings {
        keys = List.copyOf(keys);
    }
}
