package io.portcullis.core;

import static io.portcullis.core.GatewayFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.token.Identity;
import io.portcullis.core.token.TokenId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardTest {
    @TempDir
    Path dir;
    private GatewayFixture fixture;
    private String alice;
    private String bob;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, """
                users:
                  - { username: alice, password: a, roles: [admin] }
                  - { username: bob, password: b }
                rate-limits: { proxy: { requests-per-second: 1, burst: 2 }, auth: { requests-per-second: 100, burst: 100 } }
                trusted-proxies: [10.0.0.0/8]
                routes:
                  - { prefix: /api, target: "http://backend:9000/v1" }
                  - { prefix: /admin, target: "http://backend:9000", roles: [admin], methods: [GET] }
                  - { prefix: /public, target: "http://backend:9000", secure: false }
                """);
        alice = fixture.token("alice", "a");
        bob = fixture.token("bob", "b");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void forward_validToken_plansUpstreamWithIdentity() {
        MapHeaders headers = bearer(alice).add("Host", "gw.example").add("Accept", "text/plain");

        ForwardingPlan plan = (ForwardingPlan) forward("GET", "/api/items/../things?x=1", headers, "203.0.113.5");

        assertThat(plan.target()).isEqualTo("http://backend:9000/v1/things?x=1");
        assertThat(added(plan)).containsEntry("x-user", "alice").containsEntry("x-user-roles", "admin")
                .containsEntry("x-token-id", plan.identity().orElseThrow().tokenId().value())
                .containsEntry("X-Forwarded-For", "203.0.113.5").containsEntry("X-Forwarded-Proto", "http")
                .containsEntry("Via", "1.1 portcullis")
                .as("a direct client's Host is its own claim, not vouched for").doesNotContainKey("X-Forwarded-Host");
        assertThat(plan.forwardsRequestHeader("Accept")).isTrue();
        assertThat(plan.forwardsRequestHeader("Authorization")).isFalse();
        assertThat(plan.forwardsRequestHeader("Host")).isFalse();
        assertThat(plan.responseHeaders()).extracting(Header::name).contains("RateLimit-Limit", "RateLimit-Remaining");
    }

    @Test
    void routeFor_namesTheRouteARefusalBelongsTo() {
        Forward forward = fixture.gateway.forward();

        assertThat(forward.routeFor("/admin/../api/x")).hasValueSatisfying(r -> assertThat(r.prefix()).isEqualTo("/api"));
        assertThat(forward.routeFor("/public")).hasValueSatisfying(r -> assertThat(r.prefix()).isEqualTo("/public"));
        assertThat(forward.routeFor("/elsewhere")).isEmpty();
        assertThat(forward.routeFor("/api/%2f")).isEmpty();
    }

    @Test
    void forward_spoofedIdentityAndHopByHopHeaders_areDropped() {
        MapHeaders headers = bearer(bob).add("X-User", "alice").add("x-user-roles", "admin").add("X-Token-Id", "x")
                .add("Connection", "keep-alive, X-Secret-Hop").add("X-Secret-Hop", "1").add("Keep-Alive", "5")
                .add("Transfer-Encoding", "chunked").add("Forwarded", "for=1.2.3.4").add("X-Forwarded-For", "1.2.3.4");

        ForwardingPlan plan = (ForwardingPlan) forward("GET", "/api", headers, "203.0.113.5");

        for (String dropped : new String[] {"X-User", "X-USER-ROLES", "x-token-id", "Connection", "X-Secret-Hop",
            "Keep-Alive", "Transfer-Encoding", "Forwarded", "X-Forwarded-For"}) {
            assertThat(plan.forwardsRequestHeader(dropped)).as(dropped).isFalse();
        }
        assertThat(added(plan)).containsEntry("x-user", "bob").containsEntry("X-Forwarded-For", "203.0.113.5");
    }

    @Test
    void forward_fromTrustedProxy_extendsTheForwardingChain() {
        MapHeaders headers = bearer(bob).add("X-Forwarded-For", "198.51.100.1").add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "public.example").add("Via", "1.1 lb");

        ForwardingPlan plan = (ForwardingPlan) forward("GET", "/api", headers, "10.0.0.2");

        assertThat(added(plan)).containsEntry("X-Forwarded-For", "198.51.100.1, 10.0.0.2")
                .containsEntry("X-Forwarded-Proto", "https").containsEntry("X-Forwarded-Host", "public.example")
                .containsEntry("Via", "1.1 lb, 1.1 portcullis");
    }

    @Test
    void forward_refusals_haveTheRightStatus() {
        assertStatus(forward("GET", "/nowhere", bearer(alice), "203.0.113.5"), 404);
        assertStatus(forward("GET", "/api", MapHeaders.empty(), "203.0.113.5"), 401);
        assertStatus(forward("GET", "/api", MapHeaders.of("Authorization", "Bearer nonsense"), "203.0.113.5"), 401);
        assertStatus(forward("GET", "/api", MapHeaders.of("Authorization", "Basic YTpi"), "203.0.113.5"), 401);
        assertStatus(forward("GET", "/admin", bearer(bob), "203.0.113.5"), 403);
        assertStatus(forward("DELETE", "/admin", bearer(alice), "203.0.113.5"), 405);
        assertStatus(forward("GET", "/api%2Fx", bearer(alice), "203.0.113.5"), 400);
    }

    @Test
    void forward_traversalOutOfOpenRoute_needsTheToken() {
        assertStatus(forward("GET", "/public/../admin", MapHeaders.empty(), "203.0.113.5"), 401);
        assertStatus(forward("GET", "/public/%2e%2e/admin", MapHeaders.empty(), "203.0.113.5"), 401);
    }

    @Test
    void forward_405_listsAllowedMethods() {
        Rejection rejection = (Rejection) forward("POST", "/admin", bearer(alice), "203.0.113.5");

        assertThat(rejection.headers()).contains(new Header("Allow", "GET, HEAD"));
    }

    @Test
    void forward_expiredToken_is401Expired() {
        fixture.clock.advance(Duration.ofHours(1));

        Rejection rejection = (Rejection) forward("GET", "/api", bearer(alice), "203.0.113.5");

        assertThat(rejection.status()).isEqualTo(401);
        assertThat(rejection.reason()).isEqualTo("expired");
    }

    @Test
    void forward_perUserLimit_spansAllRoutes() {
        assertThat(forward("GET", "/api", bearer(alice), "203.0.113.5")).isInstanceOf(ForwardingPlan.class);
        assertThat(forward("GET", "/admin", bearer(alice), "203.0.113.6")).isInstanceOf(ForwardingPlan.class);

        Rejection limited = (Rejection) forward("GET", "/api/other", bearer(alice), "203.0.113.7");

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).extracting(Header::name).contains("Retry-After", "RateLimit-Limit");
        assertThat(forward("GET", "/api", bearer(bob), "203.0.113.5")).isInstanceOf(ForwardingPlan.class);
    }

    @Test
    void forward_openRoute_noIdentity_limitedPerAddress() {
        ForwardingPlan plan = (ForwardingPlan) forward("GET", "/public/x", MapHeaders.of("X-User", "alice"), "203.0.113.5");

        assertThat(plan.identity()).isEmpty();
        assertThat(added(plan)).doesNotContainKey("x-user");
        assertThat(plan.forwardsRequestHeader("X-User")).isFalse();
        forward("GET", "/public/x", MapHeaders.empty(), "203.0.113.5");
        assertStatus(forward("GET", "/public/x", MapHeaders.empty(), "203.0.113.5"), 429);
        assertThat(forward("GET", "/public/x", MapHeaders.empty(), "203.0.113.6")).isInstanceOf(ForwardingPlan.class);
    }

    @Test
    void forward_revokedToken_is401() {
        fixture.gateway.revokeTokens().revokeOwn(Fixtures.request("POST", "/logout", bearer(alice), ""));

        Rejection rejection = (Rejection) forward("GET", "/api", bearer(alice), "203.0.113.5");

        assertThat(rejection.reason()).isEqualTo("revoked");
    }

    @Test
    void forward_identityFromAnAuthorizer_isUsedWithoutAToken_butRoutesAndLimitsStillApply() {
        java.time.Instant expiry = fixture.clock.instant().plusSeconds(600);
        Identity carol = new Identity("carol", java.util.List.of("admin"),
                TokenId.random(new java.security.SecureRandom()), expiry);
        Identity dave = new Identity("dave", java.util.List.of(), TokenId.random(new java.security.SecureRandom()),
                expiry);

        ForwardingPlan plan = (ForwardingPlan) fixture.gateway.forward().forward(
                Fixtures.request("GET", "/admin/x", MapHeaders.empty(), "", "203.0.113.5"), java.util.Optional.of(carol));

        assertThat(added(plan)).containsEntry("x-user", "carol").containsEntry("x-token-id", carol.tokenId().value());
        assertStatus(fixture.gateway.forward().forward(Fixtures.request("GET", "/admin/x", MapHeaders.empty(), "",
                "203.0.113.5"), java.util.Optional.of(dave)), 403);
        fixture.gateway.forward().forward(Fixtures.get("/api", MapHeaders.empty()), java.util.Optional.of(carol));
        assertStatus(fixture.gateway.forward().forward(Fixtures.get("/api", MapHeaders.empty()),
                java.util.Optional.of(carol)), 429);
    }

    @Test
    void checkAccess_isTheTokenAndRouteHalfOfForward() {
        assertThat(fixture.gateway.forward().checkAccess(bearer(bob), "/api/x")).isInstanceOf(Authenticated.class);
        assertThat(fixture.gateway.forward().checkAccess(bearer(bob), "/nowhere")).isInstanceOf(Authenticated.class);
        assertThat(((Rejection) fixture.gateway.forward().checkAccess(bearer(bob), "/admin/x")).status()).isEqualTo(403);
        assertThat(((Rejection) fixture.gateway.forward().checkAccess(MapHeaders.empty(), "/api")).status()).isEqualTo(401);
        assertThat(((Rejection) fixture.gateway.forward().checkAccess(bearer(bob), "/a%2Fb")).status()).isEqualTo(400);
    }

    private ForwardDecision forward(String method, String path, MapHeaders headers, String peer) {
        return fixture.gateway.forward().forward(Fixtures.request(method, path, headers, "", peer));
    }

    private static Map<String, String> added(ForwardingPlan plan) {
        return plan.addHeaders().stream().collect(Collectors.toMap(Header::name, Header::value));
    }

    private static void assertStatus(ForwardDecision decision, int status) {
        assertThat(decision).isInstanceOfSatisfying(Rejection.class, r -> {
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.toResponse().contentType()).isEqualTo("application/json");
        });
    }
}
