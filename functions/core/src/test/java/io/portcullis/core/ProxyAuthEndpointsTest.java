package io.portcullis.core;

import static io.portcullis.core.GatewayFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The answers a client written against ProxyAuth expects, with the proxyauth section configured. */
class ProxyAuthEndpointsTest {
    private static final String ADMIN = "a".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private GatewayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, """
                users: [ { username: alice, password: a } ]
                rate-limits: { proxy: { requests-per-second: 1, burst: 1 }, auth: { requests-per-second: 100, burst: 100 } }
                proxyauth: { admin-token: "%s", stats: true, timezone: Asia/Kolkata, logout-redirect-url: /bye }
                routes: [ { prefix: /api, target: "http://backend:9000" } ]
                """.formatted(ADMIN));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void login_answersExpiresAtInProxyAuthsFormatAndZone_plusOurFields() throws Exception {
        GatewayResponse response = own(Fixtures.login("alice", "a"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(response.status()).isEqualTo(200);
        assertThat(body.get("expires_at").asText()).isEqualTo("2026-11-22 16:30:00 +05:30");
        assertThat(body.get("token").asText()).isNotEmpty();
        assertThat(body.get("expires_in").asLong()).isEqualTo(3600);
        assertThat(own(Fixtures.login("alice", "wrong")).status()).isEqualTo(401);
    }

    @Test
    void admRevoke_needsTheAdminToken_thenRevokes() throws Exception {
        String token = fixture.token("alice", "a");
        String tokenId = ((ForwardingPlan) fixture.gateway.forward().forward(Fixtures.get("/api", bearer(token))))
                .identity().orElseThrow().tokenId().value();
        String body = "{\"token_id\":\"" + tokenId + "\"}";

        assertThat(own(revoke(body, ADMIN.substring(1) + "b")).status()).isEqualTo(401);
        assertThat(own(revoke(body, null)).status()).isEqualTo(401);
        GatewayResponse revoked = own(revoke(body, ADMIN));
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(new String(revoked.body(), StandardCharsets.UTF_8)).isEqualTo("Token permanently revoked.");
        fixture.clock.advance(java.time.Duration.ofSeconds(2));
        assertThat(((Rejection) fixture.gateway.forward().forward(Fixtures.get("/api", bearer(token)))).status())
                .isEqualTo(401);
        long exp = fixture.clock.instant().getEpochSecond() + 60;
        GatewayResponse until = own(revoke("{\"token_id\":\"" + tokenId + "\",\"exp\":" + exp + "}", ADMIN));
        assertThat(new String(until.body(), StandardCharsets.UTF_8)).isEqualTo("Token revoked with expiration.");
        assertThat(own(revoke("{\"token_id\":\"" + "ab".repeat(32) + "\"}", ADMIN)).status()).isEqualTo(400);
    }

    /**
     * ProxyAuth 0.8.10's /adm/stats dates are chrono's serde form, RFC 3339 in UTC, whatever its timezone (its code
     * and its docs agree: {@code "delivery_at": "2025-05-28T18:18:02.251295314Z",
     * "expire_at": "2025-05-28T19:17:47Z"}).
     */
    @Test
    void admStats_countsUsesPerToken_datesInUtcAsProxyAuthWritesThem() throws Exception {
        fixture.clock.advance(java.time.Duration.ofMillis(500));
        String token = fixture.token("alice", "a");
        fixture.clock.advance(java.time.Duration.ofMillis(750));
        fixture.gateway.forward().forward(Fixtures.get("/api", bearer(token)));
        GatewayRequest stats = Fixtures.request("GET", "/adm/stats", MapHeaders.of("X-Auth-Token", ADMIN), "");

        JsonNode body = JSON.readTree(own(stats).body());
        assertThat(body.get(0).get("user").asText()).isEqualTo("alice");
        JsonNode used = body.get(0).get("tokens").get(0);
        assertThat(used.get("count").asLong()).isEqualTo(1);
        assertThat(used.get("delivery_at").asText()).isEqualTo("2026-11-22T10:00:01.250Z");
        assertThat(used.get("expire_at").asText()).isEqualTo("2026-11-22T11:00:00Z");
        assertThat(own(Fixtures.request("GET", "/adm/stats", MapHeaders.empty(), "")).status()).isEqualTo(401);
    }

    @Test
    void getLogout_revokesTheBearerToken_clearsTheCookie_andRedirects() {
        String token = fixture.token("alice", "a");
        GatewayResponse response = own(Fixtures.request("GET", "/logout", bearer(token), ""));
        assertThat(response.status()).isEqualTo(302);
        assertThat(response.headers()).contains(new Header("Location", "/bye"));
        assertThat(response.headers()).anySatisfy(h -> assertThat(h.value()).startsWith("session_token=;"));
        assertThat(((Rejection) fixture.gateway.forward().forward(Fixtures.get("/api", bearer(token)))).status())
                .isEqualTo(401);
        assertThat(own(Fixtures.request("GET", "/logout", MapHeaders.empty(), "")).status()).isEqualTo(302);
    }

    @Test
    void rateLimited_answersProxyAuthsBodyShape() throws Exception {
        String token = fixture.token("alice", "a");
        fixture.gateway.forward().forward(Fixtures.get("/api", bearer(token)));
        Rejection limited = (Rejection) fixture.gateway.forward().forward(Fixtures.get("/api", bearer(token)));
        JsonNode body = JSON.readTree(limited.toResponse().body());
        assertThat(limited.status()).isEqualTo(429);
        assertThat(body.get("code").asInt()).isEqualTo(429);
        assertThat(body.get("error").asText()).isEqualTo("TooManyRequests");
        assertThat(body.get("message").asText()).isEqualTo("Too Many Requests");
        assertThat(body.get("after").asLong()).isPositive();
    }

    private GatewayResponse own(GatewayRequest request) {
        return fixture.gateway.ownEndpoint(request).orElseThrow().toResponse();
    }

    private static GatewayRequest revoke(String body, String adminToken) {
        MapHeaders headers = MapHeaders.of("Content-Type", "application/json");
        if (adminToken != null) {
            headers.add("X-Auth-Token", adminToken);
        }
        return Fixtures.request("POST", "/adm/revoke", headers, body);
    }
}
