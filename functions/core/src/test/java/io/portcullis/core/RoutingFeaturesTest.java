package io.portcullis.core;

import static io.portcullis.core.GatewayFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Route features beyond the target: filters, secure-path, cache, CORS, backends, on the core alone. */
class RoutingFeaturesTest {
    @TempDir
    Path dir;
    private GatewayFixture fixture;
    private String alice;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, """
                users: [ { username: alice, password: a, roles: [ops] } ]
                rate-limits: { proxy: { requests-per-second: 0 }, auth: { requests-per-second: 0 } }
                cors: { origins: ["https://app.example/"] }
                routes:
                  - prefix: /orders
                    target: http://orders:9000/v1
                    filters:
                      allow:
                        - { field: method, pattern: "^(GET|POST)$" }
                        - { field: header, name: X-Tenant, pattern: "^[a-z]+$" }
                        - { field: query, name: region, pattern: "^eu-" }
                        - { field: body-json, name: kind, pattern: "^order$" }
                  - { prefix: /raw, target: "http://raw:9000", filters: { allow: [ { field: body_raw, pattern: "hello" } ] } }
                  - { prefix: /redos, target: "http://x:9000", filters: { allow: [ { field: path, pattern: "^(a+)+$" } ] } }
                  - { prefix: /closed, target: "http://x:9000", filters: { default-allow: false } }
                  - { prefix: /fixed, target: "http://fixed:9000/only/here", secure-path: true, cache: false }
                  - prefix: /lb
                    backends:
                      - { url: "http://a:1/p", weight: 2 }
                      - "http://b:1/p"
                      - { url: "http://c:1/p", standby: true }
                  - { prefix: /lb-post, backends: [ "http://a:1", "http://b:1" ], replay-non-idempotent: true }
                """);
        alice = fixture.token("alice", "a");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void filters_allMustMatch_elseForbidden() {
        MapHeaders good = bearer(alice).add("X-Tenant", "acme").add("Content-Type", "application/json");
        assertThat(forward("POST", "/orders/1?region=eu-west", good, "{\"kind\":\"order\"}"))
                .isInstanceOf(ForwardingPlan.class);
        assertStatus(forward("POST", "/orders/1?region=us-east", good, "{\"kind\":\"order\"}"), 403);
        assertStatus(forward("POST", "/orders/1?region=eu-west", good, "{\"kind\":\"refund\"}"), 403);
        assertStatus(forward("POST", "/orders/1?region=eu-west", bearer(alice)
                .add("Content-Type", "application/json"), "{\"kind\":\"order\"}"), 403);
        assertStatus(forward("DELETE", "/orders/1?region=eu-west", good, "{\"kind\":\"order\"}"), 403);
        assertStatus(forward("POST", "/orders/1?region=eu-west", bearer(alice).add("X-Tenant", "acme")
                .add("Content-Type", "text/plain"), "{\"kind\":\"order\"}"), 403);
        assertStatus(forward("GET", "/closed/x", bearer(alice), ""), 403);
    }

    @Test
    void filters_readTheBodyOnce_andHandItToThePlan() {
        ForwardingPlan plan = (ForwardingPlan) forward("POST", "/raw/x", bearer(alice), "say hello");
        assertThat(new String(plan.body().orElseThrow())).isEqualTo("say hello");
        assertStatus(forward("POST", "/raw/x", bearer(alice), "goodbye"), 403);
        assertStatus(forward("POST", "/raw/x", bearer(alice), "x".repeat(300 * 1024)), 413);
    }

    @Test
    void filters_hostileInput_neitherHangsNorPasses() {
        assertStatus(forward("GET", "/redos/" + "a".repeat(5000) + "!", bearer(alice), ""), 403);
        assertStatus(forward("GET", "/orders/x?region=%zz", bearer(alice).add("X-Tenant", "a"), ""), 400);
    }

    @Test
    void securePath_alwaysTheTarget_andCacheFalse_setsNoStoreOnly() {
        ForwardingPlan plan = (ForwardingPlan) forward("GET", "/fixed/anything/else?q=1", bearer(alice), "");
        assertThat(plan.target()).isEqualTo("http://fixed:9000/only/here?q=1");
        Map<String, String> headers = plan.responseHeaders().stream()
                .collect(Collectors.toMap(Header::name, Header::value, (a, b) -> a));
        assertThat(headers.get("Cache-Control")).contains("no-store");
        assertThat(headers).containsEntry("Pragma", "no-cache").doesNotContainKey("Content-Type");
        assertThat(plan.replacesResponseHeader("cache-control")).isTrue();
        assertThat(plan.replacesResponseHeader("content-type")).isFalse();
    }

    @Test
    void cors_preflightAnsweredForAllowedOrigins_othersGoDownTheRoute() {
        GatewayRequest preflight = Fixtures.request("OPTIONS", "/orders/1", MapHeaders.of("Origin",
                "https://APP.example", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization, content-type"), "");
        GatewayResponse answer = fixture.gateway.ownEndpoint(preflight).orElseThrow().toResponse();
        assertThat(answer.status()).isEqualTo(204);
        assertThat(answer.headers()).contains(new Header("Access-Control-Allow-Origin", "https://APP.example"),
                new Header("Access-Control-Allow-Credentials", "true"),
                new Header("Access-Control-Allow-Headers", "authorization, content-type"));

        GatewayRequest foreign = Fixtures.request("OPTIONS", "/orders/1", MapHeaders.of("Origin",
                "https://evil.example", "Access-Control-Request-Method", "POST"), "");
        assertThat(fixture.gateway.ownEndpoint(foreign)).isEmpty();
        ForwardDecision refused = fixture.gateway.forward().forward(foreign);
        assertStatus(refused, 401);
        assertThat(((Rejection) refused).toResponse().headers()).extracting(Header::name)
                .doesNotContain("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials");
    }

    @Test
    void cors_grantOnAnswersToAllowedOriginsOnly() {
        ForwardingPlan allowed = (ForwardingPlan) forward("GET", "/fixed", bearer(alice)
                .add("Origin", "https://app.example"), "");
        assertThat(allowed.responseHeaders()).contains(new Header("Access-Control-Allow-Origin", "https://app.example"),
                new Header("Access-Control-Allow-Credentials", "true"));
        ForwardingPlan other = (ForwardingPlan) forward("GET", "/fixed", bearer(alice)
                .add("Origin", "https://evil.example"), "");
        assertThat(other.responseHeaders()).extracting(Header::name)
                .doesNotContain("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials");
        Rejection unauthenticated = (Rejection) forward("GET", "/fixed", MapHeaders.of("Origin",
                "https://app.example"), "");
        assertThat(unauthenticated.toResponse().headers())
                .contains(new Header("Access-Control-Allow-Origin", "https://app.example"));
    }

    @Test
    void backends_weightedOrder_standbyLast_failoverOnlyForIdempotentMethods() {
        Map<String, Long> firsts = java.util.stream.IntStream.range(0, 300)
                .mapToObj(i -> ((ForwardingPlan) forward("GET", "/lb/x", bearer(alice), "")).target())
                .collect(Collectors.groupingBy(t -> t, Collectors.counting()));
        assertThat(firsts).containsOnly(Map.entry("http://a:1/p/x", 200L), Map.entry("http://b:1/p/x", 100L));

        ForwardingPlan get = (ForwardingPlan) forward("GET", "/lb/x", bearer(alice), "");
        assertThat(get.targets()).extracting(ForwardingPlan.Target::uri).last().isEqualTo("http://c:1/p/x");
        assertThat(get.failover()).isTrue();
        assertThat(((ForwardingPlan) forward("POST", "/lb/x", bearer(alice), "")).failover()).isFalse();
        assertThat(((ForwardingPlan) forward("POST", "/lb-post/x", bearer(alice), "")).failover()).isTrue();
    }

    private ForwardDecision forward(String method, String path, MapHeaders headers, String body) {
        return fixture.gateway.forward().forward(Fixtures.request(method, path, headers, body));
    }

    private static void assertStatus(ForwardDecision decision, int status) {
        assertThat(decision).isInstanceOf(Rejection.class);
        assertThat(((Rejection) decision).status()).isEqualTo(status);
    }
}
