package io.portcullis.core;

import static io.portcullis.core.GatewayFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.token.Identity;
import io.portcullis.core.token.TokenId;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile client sends and what it must not achieve (issue 16): identity look-alikes and forwarding headers
 * reaching backends, a client-supplied address outranking the trusted proxy's, override headers defeating route
 * rules, cookies used from another site, backend CORS headers opening what the gateway keeps shut; and the route
 * rules every one of these leans on, each checked to the exact status and code.
 */
class HostileClientsTest {
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
                  - { username: bob, password: b, roles: [dev] }
                  - { username: carol, password: c, roles: [dev], allow: [10.0.0.0/8] }
                rate-limits: { proxy: { requests-per-second: 0 }, auth: { requests-per-second: 0 } }
                trusted-proxies: [127.0.0.1]
                cors: { origins: ["https://app.example"] }
                browser: { cookie: sid }
                routes:
                  - { prefix: /api, target: "http://backend:9000" }
                  - { prefix: /team, target: "http://backend:9000", users: [alice] }
                  - { prefix: /ops, target: "http://backend:9000", roles: [ops] }
                  - { prefix: /legacy, target: "http://backend:9000", override-headers: true, methods: [GET, POST] }
                  - { prefix: /iis, target: "http://backend:9000", case-insensitive: true, roles: [admin] }
                  - { prefix: /hooks, target: "http://backend:9000", csrf: false }
                  - { prefix: /, target: "http://backend:9000", secure: false }
                """);
        alice = fixture.token("alice", "a");
        bob = fixture.token("bob", "b");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void identityLookAlikes_andTheForwardingFamily_neverReachTheBackend() {
        ForwardingPlan plan = plan("GET", "/api/x", bearer(bob), "203.0.113.5");

        for (String name : List.of("X_User", "x_user", "X_User_Roles", "X-Token_Id", "X-USER", "X-Forwarded-User",
                "X-Forwarded-Prefix", "X-Forwarded-Port", "X-Forwarded-Ssl", "X-Forwarded-Scheme",
                "X-Forwarded-Server", "X_Forwarded_For", "x-forwarded-host", "X-Forwarded", "Forwarded", "X-Real-IP",
                "X_Real_Ip", "True-Client-IP", "X-Client-IP", "X-Cluster-Client-IP", "CF-Connecting-IP",
                "Fastly-Client-IP", "X-Host", "Front-End-Https", "X-Original-URL", "X-Rewrite-URL", "X-Original-URI",
                "X-HTTP-Method-Override", "X_HTTP_Method_Override", "X-HTTP-Method", "X-Method-Override",
                "Transfer_Encoding", "Proxy_Authorization")) {
            assertThat(plan.forwardsRequestHeader(name)).as(name).isFalse();
        }
        for (String name : List.of("Accept", "X-Request-Id", "X-Forwarding-Note", "X-Username-Hint", "Content-Length")) {
            assertThat(plan.forwardsRequestHeader(name)).as(name).isTrue();
        }
        assertThat(added(plan)).containsEntry("x-user", "bob").containsEntry("x-user-roles", "dev");
    }

    @Test
    void overrideHeaders_passOnlyOnARouteThatOptsIn_andTheirMethodMeetsTheRoutesRules() {
        MapHeaders overridden = bearer(bob).add("X-HTTP-Method-Override", "post").add("X-Original-URL", "/x");
        ForwardingPlan legacy = plan("GET", "/legacy/x", overridden, "203.0.113.5");

        assertThat(legacy.forwardsRequestHeader("X-HTTP-Method-Override")).isTrue();
        assertThat(legacy.forwardsRequestHeader("X-Original-URL")).isTrue();
        assertThat(legacy.forwardsRequestHeader("X_User")).as("identity look-alikes still never").isFalse();
        assertThat(legacy.forwardsRequestHeader("X-Forwarded-Prefix")).isFalse();
        assertRejected(forward("GET", "/legacy/x", bearer(bob).add("X-HTTP-Method-Override", "DELETE"),
                "203.0.113.5"), 405, "method_not_allowed", "method_not_allowed");
        assertRejected(forward("GET", "/legacy/x", sessionCookie(bob).add("X-HTTP-Method", "POST"), "203.0.113.5"),
                403, "forbidden", "csrf_missing");
        assertThat(plan("GET", "/api/x", overridden, "203.0.113.5").forwardsRequestHeader("X-HTTP-Method-Override"))
                .isFalse();
    }

    @Test
    void aClientsForwardedHeader_neverOutranksTheTrustedProxysXForwardedFor() {
        MapHeaders spoofed = MapHeaders.of("Content-Type", "application/json", "X-Forwarded-For", "203.0.113.7",
                "Forwarded", "for=10.1.2.3");
        LoginResult refused = fixture.gateway.issueToken().issue(login("carol", "c", spoofed, "127.0.0.1"));
        assertRejected(refused, 401, "invalid_credentials", "address_not_allowed");

        LoginResult admitted = fixture.gateway.issueToken().issue(login("carol", "c",
                MapHeaders.of("Content-Type", "application/json", "X-Forwarded-For", "10.1.2.3"), "127.0.0.1"));
        assertThat(admitted).isInstanceOf(Issued.class);

        ForwardingPlan plan = plan("GET", "/api/x", bearer(bob).add("X-Forwarded-For", "6.6.6.6, 203.0.113.7")
                .add("Forwarded", "for=10.1.2.3").add("X-Forwarded-Proto", "https").add("X-Forwarded-Host",
                        "public.example"), "127.0.0.1");
        assertThat(added(plan)).containsEntry("X-Forwarded-For", "203.0.113.7, 127.0.0.1")
                .containsEntry("X-Forwarded-Proto", "https").containsEntry("X-Forwarded-Host", "public.example");
        assertThat(plan.forwardsRequestHeader("Forwarded")).as("a claim, passed on by nobody").isFalse();
    }

    @Test
    void aForwardedSetup_believesOnlyForwarded() {
        try (GatewayFixture forwarded = new GatewayFixture(dir.resolve("forwarded"), """
                users: [ { username: carol, password: c, allow: [10.0.0.0/8] } ]
                trusted-proxies: [127.0.0.1]
                trusted-proxy-header: forwarded
                routes: [ { prefix: /, target: "http://backend:9000", secure: false } ]
                """)) {
            LoginResult spoofed = forwarded.gateway.issueToken().issue(login("carol", "c", MapHeaders.of(
                    "Content-Type", "application/json", "Forwarded", "for=203.0.113.7", "X-Forwarded-For",
                    "10.1.2.3"), "127.0.0.1"));
            assertRejected(spoofed, 401, "invalid_credentials", "address_not_allowed");
            assertThat(forwarded.gateway.issueToken().issue(login("carol", "c", MapHeaders.of("Content-Type",
                    "application/json", "Forwarded", "for=10.1.2.3;proto=https;host=gw.example"), "127.0.0.1")))
                    .isInstanceOf(Issued.class);

            ForwardingPlan plan = (ForwardingPlan) forwarded.gateway.forward().forward(Fixtures.request("GET",
                    "/x", MapHeaders.of("Forwarded", "for=198.51.100.4;proto=https;host=gw.example",
                            "X-Forwarded-For", "10.9.9.9", "X-Forwarded-Host", "evil.example"), "", "127.0.0.1"));
            assertThat(added(plan)).containsEntry("X-Forwarded-For", "198.51.100.4, 127.0.0.1")
                    .containsEntry("X-Forwarded-Proto", "https").containsEntry("X-Forwarded-Host", "gw.example");
        }
    }

    @Test
    void xForwardedHost_isSentOnlyWhenTheSetupVouchesForIt() {
        MapHeaders claims = bearer(bob).add("Host", "evil.example").add("X-Forwarded-Host", "evil.example");

        assertThat(added(plan("GET", "/api/x", claims, "203.0.113.5"))).as("a direct client's Host is a claim")
                .doesNotContainKey("X-Forwarded-Host");
        GatewayRequest behindApiGateway = new GatewayRequest("GET", "/api/x", "", claims,
                Fixtures.address("203.0.113.5"), true, () -> new ByteArrayInputStream(new byte[0]),
                Optional.of("api.example"));
        assertThat(added((ForwardingPlan) fixture.gateway.forward().forward(behindApiGateway)))
                .containsEntry("X-Forwarded-Host", "api.example").containsEntry("X-Forwarded-Proto", "https");
    }

    @Test
    void backendCorsHeaders_goBackOnlyWithTheGatewaysGrant() {
        ForwardingPlan noOrigin = plan("GET", "/api/x", bearer(bob).add("Origin", "https://evil.example"),
                "203.0.113.5");
        for (String name : List.of("Access-Control-Allow-Origin", "access-control-allow-credentials",
                "Access-Control-Expose-Headers", "Access-Control-Allow-Methods")) {
            assertThat(noOrigin.replacesResponseHeader(name)).as(name).isTrue();
        }
        assertThat(noOrigin.responseHeaders()).extracting(Header::name)
                .doesNotContain("Access-Control-Allow-Origin");
        assertThat(noOrigin.replacesResponseHeader("Content-Type")).isFalse();

        ForwardingPlan allowed = plan("GET", "/api/x", bearer(bob).add("Origin", "https://app.example"),
                "203.0.113.5");
        assertThat(allowed.replacesResponseHeader("Access-Control-Allow-Origin")).as("the gateway's grant").isTrue();
        assertThat(allowed.replacesResponseHeader("Access-Control-Expose-Headers")).isFalse();
        assertThat(allowed.replacesResponseHeader("Vary")).isFalse();
        assertThat(allowed.responseHeaders()).contains(new Header("Access-Control-Allow-Origin",
                "https://app.example"));
    }

    @Test
    void webSocketHandshakes_byCookie_needAnOriginOfThisSite() {
        MapHeaders handshake = sessionCookie(bob).add("Upgrade", "websocket").add("Connection", "Upgrade")
                .add("Host", "gw.example");

        assertRejected(forward("GET", "/api/chat", handshake, "203.0.113.5"), 403, "forbidden",
                "origin_not_allowed");
        assertRejected(forward("GET", "/api/chat", copy(handshake).add("Origin", "https://evil.example"),
                "203.0.113.5"), 403, "forbidden", "origin_not_allowed");
        assertRejected(forward("GET", "/api/chat", copy(handshake).add("Origin", "https://gw.example"),
                "203.0.113.5"), 403, "forbidden", "origin_not_allowed");
        assertThat(forward("GET", "/api/chat", copy(handshake).add("Origin", "http://gw.example"), "203.0.113.5"))
                .as("this site, over the plain connection").isInstanceOf(ForwardingPlan.class);
        assertThat(forward("GET", "/api/chat", copy(handshake).add("Origin", "https://app.example"),
                "203.0.113.5")).as("an allowed CORS origin").isInstanceOf(ForwardingPlan.class);
        assertThat(forward("GET", "/api/chat", bearer(bob).add("Upgrade", "websocket"), "203.0.113.5"))
                .as("a bearer token is never the browser's doing").isInstanceOf(ForwardingPlan.class);
        assertThat(forward("GET", "/hooks/chat", handshake, "203.0.113.5")).as("csrf: false opts out")
                .isInstanceOf(ForwardingPlan.class);
        assertThat(forward("GET", "/api/chat", copy(handshake).add("Origin", "https://public.example")
                .add("X-Forwarded-For", "198.51.100.4").add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "public.example"), "127.0.0.1"))
                .as("behind a trusted proxy, this site is what the proxy reports")
                .isInstanceOf(ForwardingPlan.class);
    }

    @Test
    void revokeOwn_byTheSessionCookie_needsTheCsrfToken_butLogoutDoesNot() {
        GatewayRequest forged = Fixtures.request("POST", "/auth/revoke", sessionCookie(bob), "");
        assertRejected(fixture.gateway.ownEndpoint(forged).orElseThrow(), 403, "forbidden", "csrf_missing");
        assertThat(plan("GET", "/api/x", bearer(bob), "203.0.113.5")).as("not revoked").isNotNull();

        String csrf = new io.portcullis.core.token.CsrfTokens(fixture.config.tokens().keyRing())
                .issue(((Authenticated) fixture.gateway.checkToken().authenticate(bearer(bob))).claims().tokenId());
        Reply revoked = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth/revoke",
                sessionCookie(bob).add("X-CSRF-Token", csrf), "")).orElseThrow();
        assertThat(revoked.toResponse().status()).isEqualTo(204);
        assertRejected(forward("GET", "/api/x", bearer(bob), "203.0.113.5"), 401, "invalid_token", "revoked");

        Reply loggedOut = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/logout", sessionCookie(alice),
                "")).orElseThrow();
        assertThat(loggedOut.toResponse().status()).isEqualTo(204);
        assertRejected(forward("GET", "/api/x", bearer(alice), "203.0.113.5"), 401, "invalid_token", "revoked");
    }

    @Test
    void theCsrfToken_isReadFromTheHeaderWithoutTouchingTheBody_onceOnly_andFromAFormOnlyWithoutAHeader() {
        String csrf = new io.portcullis.core.token.CsrfTokens(fixture.config.tokens().keyRing())
                .issue(((Authenticated) fixture.gateway.checkToken().authenticate(bearer(bob))).claims().tokenId());
        MapHeaders form = sessionCookie(bob).add("Content-Type", "application/x-www-form-urlencoded");

        ForwardingPlan byHeader = (ForwardingPlan) fixture.gateway.forward().forward(Fixtures.request("POST",
                "/api/x", copy(form).add("X-CSRF-Token", csrf), "a=1", "203.0.113.5"));
        assertThat(byHeader.body()).as("the body streams on untouched").isEmpty();
        ForwardingPlan byField = (ForwardingPlan) fixture.gateway.forward().forward(Fixtures.request("POST",
                "/api/x", form, "a=1&csrf_token=" + csrf, "203.0.113.5"));
        assertThat(byField.body().map(String::new)).contains("a=1&csrf_token=" + csrf);
        assertRejected(fixture.gateway.forward().forward(Fixtures.request("POST", "/api/x", copy(form)
                .add("X-CSRF-Token", csrf).add("X-CSRFToken", csrf), "a=1", "203.0.113.5")), 403, "forbidden",
                "csrf_several");
        assertRejected(fixture.gateway.forward().forward(Fixtures.request("POST", "/api/x", copy(form)
                .add("X-CSRF-Token", csrf).add("X-CSRF-Token", csrf), "a=1", "203.0.113.5")), 403, "forbidden",
                "csrf_several");
        assertRejected(fixture.gateway.forward().forward(Fixtures.request("POST", "/api/x", sessionCookie(bob),
                "", "203.0.113.5")), 403, "forbidden", "csrf_missing");
        for (String wrong : List.of("k9." + csrf.substring(3), csrf.substring(3), "." + csrf.substring(3),
                csrf + "x", "k1." + "A".repeat(200))) {
            assertRejected(fixture.gateway.forward().forward(Fixtures.request("POST", "/api/x", copy(form)
                    .add("X-CSRF-Token", wrong), "a=1", "203.0.113.5")), 403, "forbidden", "csrf_invalid");
        }
    }

    @Test
    void sameOrigin_comparesSchemeHostAndPort_withDefaultPortsReadIn() {
        assertThat(CsrfGuard.sameOrigin("http://gw.example", "http", "gw.example")).isTrue();
        assertThat(CsrfGuard.sameOrigin("http://gw.example:80", "http", "gw.example")).isTrue();
        assertThat(CsrfGuard.sameOrigin("https://GW.example", "https", "gw.example:443")).isTrue();
        assertThat(CsrfGuard.sameOrigin("https://gw.example:8443", "https", "gw.example:8443")).isTrue();
        assertThat(CsrfGuard.sameOrigin("http://[::1]:8080", "http", "[::1]:8080")).isTrue();
        assertThat(CsrfGuard.sameOrigin("http://gw.example:8080", "http", "gw.example")).isFalse();
        assertThat(CsrfGuard.sameOrigin("http://gw.example:443", "http", "gw.example")).isFalse();
        assertThat(CsrfGuard.sameOrigin("https://gw.example", "http", "gw.example")).isFalse();
        assertThat(CsrfGuard.sameOrigin("https://gw.example", "https", "gw.example:80")).isFalse();
        assertThat(CsrfGuard.sameOrigin("http://gw.example.evil", "http", "gw.example")).isFalse();
        assertThat(CsrfGuard.sameOrigin("http://gw.example/page", "http", "gw.example")).isFalse();
        assertThat(CsrfGuard.sameOrigin("http://me@gw.example", "http", "gw.example")).isFalse();
        assertThat(CsrfGuard.sameOrigin("http://gw.example?x", "http", "gw.example")).isFalse();
        assertThat(CsrfGuard.sameOrigin("null", "http", "gw.example")).isFalse();
        assertThat(CsrfGuard.sameOrigin("http://gw example", "http", "gw.example")).isFalse();
        assertThat(CsrfGuard.sameOrigin("gw.example", "http", "gw.example")).isFalse();
    }

    @Test
    void routeUsersAndRoles_admitOnlyWhomTheyList_portcullisTokenOrAuthorizerIdentity() {
        assertRejected(forward("GET", "/team/x", bearer(bob), "203.0.113.5"), 403, "forbidden",
                "route_forbids_user");
        assertThat(forward("GET", "/team/x", bearer(alice), "203.0.113.5")).isInstanceOf(ForwardingPlan.class);
        assertRejected(forward("GET", "/ops/x", bearer(bob), "203.0.113.5"), 403, "forbidden", "route_forbids_user");
        assertRejected(forward("GET", "/ops/x", bearer(alice), "203.0.113.5"), 403, "forbidden",
                "route_forbids_user");

        java.time.Instant anHourOn = fixture.clock.instant().plusSeconds(3600);
        Identity dave = new Identity("dave", List.of("ops"), TokenId.random(new SecureRandom()), anHourOn);
        Identity erin = new Identity("erin", List.of("dev"), TokenId.random(new SecureRandom()), anHourOn);
        assertRejected(fixture.gateway.forward().forward(Fixtures.get("/team/x", MapHeaders.empty()),
                Optional.of(dave)), 403, "forbidden", "route_forbids_user");
        assertThat(fixture.gateway.forward().forward(Fixtures.get("/ops/x", MapHeaders.empty()), Optional.of(dave)))
                .isInstanceOf(ForwardingPlan.class);
        assertRejected(fixture.gateway.forward().forward(Fixtures.get("/ops/x", MapHeaders.empty()),
                Optional.of(erin)), 403, "forbidden", "route_forbids_user");
        assertRejected(fixture.gateway.forward().checkAccess(bearer(bob), "/team/x"), 403, "forbidden",
                "route_forbids_user");
    }

    @Test
    void twoAuthorizationHeaders_areRefused_evenWhenOneIsValid() {
        MapHeaders two = bearer(alice).add("Authorization", "Bearer " + bob);

        assertRejected(forward("GET", "/api/x", two, "203.0.113.5"), 401, "invalid_token",
                "several_authorization_headers");
        assertRejected(fixture.gateway.ownEndpoint(Fixtures.request("POST", "/admin/revoke",
                copy(two).add("Content-Type", "application/json"), "{\"user\":\"bob\"}")).orElseThrow(), 401,
                "invalid_token", "several_authorization_headers");
    }

    @Test
    void caseInsensitiveRoute_takesThePathInAnyCase_aCaseSensitiveOneDoesNot() {
        assertRejected(forward("GET", "/IIS/panel", bearer(bob), "203.0.113.5"), 403, "forbidden",
                "route_forbids_user");
        assertRejected(forward("GET", "/Iis", MapHeaders.empty(), "203.0.113.5"), 401, "missing_token",
                "missing_token");
        assertThat(plan("GET", "/IIS/panel", bearer(alice), "203.0.113.5").target())
                .isEqualTo("http://backend:9000/panel");
        assertThat(plan("GET", "/API/x", MapHeaders.empty(), "203.0.113.5").route().prefix())
                .as("case-sensitive, as RFC 3986 paths are: /API is not /api").isEqualTo("/");
    }

    @Test
    void perAddressLimits_countAnIpv6Client_byItsSlash64() {
        try (GatewayFixture limited = new GatewayFixture(dir.resolve("limited"), """
                rate-limits: { proxy: { requests-per-second: 0.01, burst: 1 }, auth: { requests-per-second: 0.01, burst: 1 } }
                users: [ { username: alice, password: a } ]
                routes: [ { prefix: /, target: "http://backend:9000", secure: false } ]
                """)) {
            Forward forward = limited.gateway.forward();
            assertThat(forward.forward(Fixtures.request("GET", "/x", MapHeaders.empty(), "", "2001:db8:0:1::1")))
                    .isInstanceOf(ForwardingPlan.class);
            assertRejected(forward.forward(Fixtures.request("GET", "/x", MapHeaders.empty(), "",
                    "2001:db8:0:1:ffff::2")), 429, "rate_limited", "rate_limited");
            assertThat(forward.forward(Fixtures.request("GET", "/x", MapHeaders.empty(), "", "2001:db8:0:2::1")))
                    .isInstanceOf(ForwardingPlan.class);

            IssueToken logins = limited.gateway.issueToken();
            assertRejected(logins.issue(login("nobody", "x", MapHeaders.of("Content-Type", "application/json"),
                    "2001:db8:0:3::1")), 401, "invalid_credentials", "unknown_user");
            assertRejected(logins.issue(login("other", "x", MapHeaders.of("Content-Type", "application/json"),
                    "2001:db8:0:3::99")), 429, "rate_limited", "rate_limited");
        }
    }

    private ForwardDecision forward(String method, String path, MapHeaders headers, String peer) {
        return fixture.gateway.forward().forward(Fixtures.request(method, path, headers, "", peer));
    }

    private ForwardingPlan plan(String method, String path, MapHeaders headers, String peer) {
        ForwardDecision decision = forward(method, path, headers, peer);
        assertThat(decision).isInstanceOf(ForwardingPlan.class);
        return (ForwardingPlan) decision;
    }

    private static GatewayRequest login(String user, String password, MapHeaders headers, String peer) {
        return Fixtures.request("POST", "/auth", headers, "{\"username\":\"" + user + "\",\"password\":\""
                + password + "\"}", peer);
    }

    /** The token in the browser session cookie, as a browser sends it. */
    private static MapHeaders sessionCookie(String token) {
        return MapHeaders.of("Cookie", "sid=" + token);
    }

    private static MapHeaders copy(MapHeaders headers) {
        MapHeaders copy = MapHeaders.empty();
        headers.forEach(copy::add);
        return copy;
    }

    private static Map<String, String> added(ForwardingPlan plan) {
        return plan.addHeaders().stream().collect(Collectors.toMap(Header::name, Header::value));
    }

    /** The exact refusal: status, the client's error code, the logged reason, and a JSON body. */
    static void assertRejected(Object result, int status, String error, String reason) {
        assertThat(result).isInstanceOfSatisfying(Rejection.class, r -> {
            assertThat(r.status()).as("status").isEqualTo(status);
            assertThat(r.error()).as("error").isEqualTo(error);
            assertThat(r.reason()).as("reason").isEqualTo(reason);
            assertThat(r.toResponse().contentType()).isEqualTo("application/json");
        });
    }
}
