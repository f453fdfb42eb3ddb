package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document: valid OpenAPI 3.1, complete, served, and a check of answers that really checks. */
class OpenApiDocumentTest {
    @TempDir
    Path dir;

    @Test
    void theDocument_isValidOpenApi31_describingEveryOwnEndpoint() {
        OpenApiDocument document = OpenApiDocument.GATEWAY;

        assertThat(document.model().getOpenapi()).isEqualTo("3.1.0");
        List<String> own = new ArrayList<>(Gateway.OWN_ENDPOINTS);
        own.addAll(Documents.PATHS);
        own.addAll(List.of("/admin/tokens", "/admin/users", "/admin/users/alice", "/observe/health",
                "/observe/health/live", "/observe/health/ready", "/observe/metrics"));
        assertThat(own).allSatisfy(path -> assertThat(document.describes(path)).as(path).isTrue());
        assertThat(document.describes("/api/things")).as("the routes' paths are the backends' business").isFalse();
    }

    @Test
    void theGateway_servesTheDocument_unlessTurnedOff() {
        try (GatewayFixture on = new GatewayFixture(dir.resolve("on"), "store: { type: memory }\n");
                GatewayFixture off = new GatewayFixture(dir.resolve("off"), "openapi: { enabled: false }\n")) {
            GatewayResponse served = on.gateway.ownEndpoint(Fixtures.get("/openapi.yaml", MapHeaders.empty()))
                    .orElseThrow().toResponse();
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.contentType()).isEqualTo("application/yaml");
            assertThat(OpenApiDocument.parse(new String(served.body(), StandardCharsets.UTF_8)).paths())
                    .isEqualTo(OpenApiDocument.GATEWAY.paths());

            GatewayResponse notServed = off.gateway.ownEndpoint(Fixtures.get("/openapi.yaml", MapHeaders.empty()))
                    .orElseThrow().toResponse();
            assertThat(notServed.status()).isEqualTo(404);
            OpenApiDocument.GATEWAY.check("GET", "/openapi.yaml", 404, notServed.contentType(),
                    new String(notServed.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theCheck_refusesAnswersTheDocumentDoesNotDescribe() {
        OpenApiDocument document = OpenApiDocument.GATEWAY;
        String token = "{\"token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"expires_at\":\"x\"}";

        document.check("POST", "/auth", 200, "application/json", token);
        assertThatThrownBy(() -> document.check("POST", "/auth", 418, "application/json", token))
                .hasMessageContaining("status");
        assertThatThrownBy(() -> document.check("POST", "/auth", 200, "text/html", token))
                .hasMessageContaining("content type");
        assertThatThrownBy(() -> document.check("POST", "/auth", 200, "application/json",
                "{\"token\":\"t\",\"token_type\":\"Basic\",\"expires_in\":3600,\"expires_at\":\"x\"}"))
                .hasMessageContaining("token_type");
        assertThatThrownBy(() -> document.check("POST", "/auth", 401, "application/json", "{\"error\":\"x\"}"))
                .hasMessageContaining("message");
        assertThatThrownBy(() -> document.check("PUT", "/auth", 200, "application/json", token))
                .hasMessageContaining("method");
        assertThatThrownBy(() -> document.check("POST", "/auth/revoke", 204, "", "{}"))
                .hasMessageContaining("without content");
    }
}
