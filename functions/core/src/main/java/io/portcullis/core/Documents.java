package io.portcullis.core;

import io.portcullis.core.assertion.IdentityAssertions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The documents the gateway publishes about itself, with {@code GET}: {@code /.well-known/jwks.json}, the public keys
 * that verify its identity assertions (404 without the {@code identity-assertions} section), and
 * {@code /openapi.yaml}, the OpenAPI 3.1 description of its own endpoints (404 with {@code openapi.enabled: false}).
 */
final class Documents {
    /** The paths, each served with {@code GET} only. */
    static final Set<String> PATHS = Set.of("/.well-known/jwks.json", "/openapi.yaml");
    private static final byte[] OPENAPI = resource("/openapi.yaml");

    private final Optional<IdentityAssertions> assertions;
    private final boolean openApi;

    Documents(Optional<IdentityAssertions> assertions, boolean openApi) {
        this.assertions = assertions;
        this.openApi = openApi;
    }

    Optional<Reply> answer(GatewayRequest request) {
        String path = request.rawPath();
        if (!PATHS.contains(path)) {
            return Optional.empty();
        }
        if (!request.method().equals("GET")) {
            return Optional.of(Rejection.methodNotAllowed("GET"));
        }
        if (path.equals("/openapi.yaml")) {
            return Optional.of(openApi ? document("application/yaml", OPENAPI, "max-age=300")
                    : notServed("the OpenAPI description is not served here (openapi.enabled: false)"));
        }
        return Optional.of(assertions.map(a -> document("application/json", a.jwks(), "max-age=60"))
                .orElseGet(() -> notServed("identity assertions are not enabled on this gateway")));
    }

    private static Reply document(String contentType, byte[] body, String cacheControl) {
        GatewayResponse response = new GatewayResponse(200, List.of(new Header("Content-Type", contentType),
                new Header("Cache-Control", cacheControl)), body);
        return () -> response;
    }

    private static Reply notServed(String message) {
        return new Rejection(404, "not_found", message, "not_served", List.of());
    }

    private static byte[] resource(String name) {
        try (InputStream in = Documents.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the core's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
