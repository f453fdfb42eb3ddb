package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.net.Cookies;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Browser sessions in the core: form login → cookies → CSRF on state-changing requests → logout. */
class BrowserSessionsTest {
    static final String YAML = """
            users:
              - { username: alice, password: a, roles: [admin] }
              - { username: bob, password: b }
            rate-limits: { auth: { requests-per-second: 100, burst: 100 }, proxy: { requests-per-second: 1000, burst: 1000 } }
            browser:
              cookie: sid
              max-age-seconds: 600
              login-redirect: /app/home
              logout-redirect: /bye
            routes:
              - { prefix: /app, target: "http://127.0.0.1:9000" }
              - { prefix: /hooks, target: "http://127.0.0.1:9001", csrf: false }
            """;

    @TempDir
    Path dir;
    private GatewayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, YAML);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void formLogin_setsHttpOnlyStrictCookies_andRedirectsOnSite() {
        GatewayResponse response = formLogin("username=alice&password=a");

        assertThat(response.status()).isEqualTo(303);
        assertThat(header(response, "Location")).contains("/app/home");
        List<String> cookies = setCookies(response);
        assertThat(cookies).hasSize(2);
        assertThat(cookies.get(0)).startsWith("sid=").endsWith("; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Strict");
        assertThat(cookies.get(1)).startsWith("sid-csrf=").endsWith("; Path=/; Max-Age=600; Secure; SameSite=Strict");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void formLogin_maxAge_neverOutlivesTheToken() throws Exception {
        try (GatewayFixture shortTokens = new GatewayFixture(dir.resolve("short"), YAML.replace(
                "max-age-seconds: 600", "max-age-seconds: 7200"))) {
            GatewayResponse response = shortTokens.gateway.ownEndpoint(form("username=alice&password=a"))
                    .orElseThrow().toResponse();
            assertThat(setCookies(response).get(0)).contains("; Max-Age=3600;");
        }
    }

    @Test
    void formLogin_redirectField_onlyToAPathOnThisSite() {
        assertThat(header(formLogin("username=alice&password=a&redirect=%2Fapp%2Finbox%3Fx%3D1"), "Location"))
                .contains("/app/inbox?x=1");
        for (String open : List.of("//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil.example",
                "evil.example")) {
            GatewayResponse response = formLogin("username=alice&password=a&redirect="
                    + URLEncoder.encode(open, StandardCharsets.UTF_8));
            assertThat(response.status()).as(open).isEqualTo(400);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("\"invalid_redirect\"");
            assertThat(header(response, "Location")).isEmpty();
        }
    }

    @Test
    void formLogin_failure_withoutAnErrorPage_isTheJsonRefusal_andWithOne_aRedirectWithTheCode() throws Exception {
        GatewayResponse plain = formLogin("username=alice&password=wrong");
        assertThat(plain.status()).isEqualTo(401);
        assertThat(plain.contentType()).isEqualTo("application/json");

        try (GatewayFixture withPage = new GatewayFixture(dir.resolve("page"), YAML.replace(
                "logout-redirect: /bye", "logout-redirect: /bye\n  login-error-redirect: /login"))) {
            GatewayResponse redirected = withPage.gateway.ownEndpoint(form("username=alice&password=wrong"))
                    .orElseThrow().toResponse();
            assertThat(redirected.status()).isEqualTo(303);
            assertThat(header(redirected, "Location")).contains("/login?error=invalid_credentials");
            assertThat(setCookies(redirected)).isEmpty();
        }
    }

    @Test
    void crossSiteFormLogin_isRefused() {
        GatewayRequest request = Fixtures.request("POST", "/auth", MapHeaders.of(
                "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site"),
                "username=alice&password=a");

        GatewayResponse response = fixture.gateway.ownEndpoint(request).orElseThrow().toResponse();

        assertThat(response.status()).isEqualTo(403);
        assertThat(setCookies(response)).isEmpty();
    }

    @Test
    void jsonLogin_staysAProgramsLogin_tokenInTheBody_noCookie() {
        GatewayResponse response = fixture.gateway.ownEndpoint(Fixtures.login("alice", "a")).orElseThrow()
                .toResponse();

        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("\"token\"");
        assertThat(setCookies(response)).isEmpty();
    }

    @Test
    void sessionCookie_opensSecureRoutes_andNeverTravelsUpstream_whileTheCsrfCookieDoes() {
        Session alice = login("alice", "a");

        ForwardDecision decision = forward("GET", "/app/page", alice.cookieHeader() + "; theme=dark", "");

        ForwardingPlan plan = (ForwardingPlan) decision;
        assertThat(plan.identity().orElseThrow().subject()).isEqualTo("alice");
        assertThat(plan.dropHeaders()).contains("cookie");
        assertThat(plan.addHeaders()).contains(new Header("Cookie", "sid-csrf=" + alice.csrf() + "; theme=dark"));
    }

    @Test
    void stateChangingRequests_fromTheCookie_needTheSessionsCsrfToken() {
        Session alice = login("alice", "a");
        Session bob = login("bob", "b");

        assertThat(status(forward("POST", "/app/items", alice.cookieHeader(), ""))).isEqualTo(403);
        assertThat(status(forward("POST", "/app/lib.js", alice.cookieHeader(), ""))).as("no exemption by URL")
                .isEqualTo(403);
        assertThat(status(forward("DELETE", "/app/items/1", alice.cookieHeader(), "", "X-CSRF-Token",
                bob.csrf()))).as("another session's token").isEqualTo(403);
        assertThat(status(forward("PUT", "/app/items/1", alice.cookieHeader(), "", "X-CSRF-Token",
                alice.csrf().substring(0, alice.csrf().length() - 2) + "AA"))).as("a forged token").isEqualTo(403);
        for (int i = 0; i < 3; i++) {
            assertThat(forward("POST", "/app/items", alice.cookieHeader(), "", "X-CSRF-Token", alice.csrf()))
                    .as("submit %d with one token", i).isInstanceOf(ForwardingPlan.class);
        }
        assertThat(forward("GET", "/app/items", alice.cookieHeader(), "")).isInstanceOf(ForwardingPlan.class);
    }

    @Test
    void formPosts_mayCarryTheCsrfTokenAsAField_andTheBodyGoesUpstreamUnchanged() {
        Session alice = login("alice", "a");
        String body = "title=hello&csrf_token=" + URLEncoder.encode(alice.csrf(), StandardCharsets.UTF_8) + "&n=1";

        ForwardDecision decision = fixture.gateway.forward().forward(Fixtures.request("POST", "/app/items",
                MapHeaders.of("Cookie", alice.cookieHeader(), "Content-Type", "application/x-www-form-urlencoded"),
                body));

        ForwardingPlan plan = (ForwardingPlan) decision;
        assertThat(new String(plan.body().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo(body);
        ForwardDecision wrong = fixture.gateway.forward().forward(Fixtures.request("POST", "/app/items",
                MapHeaders.of("Cookie", alice.cookieHeader(), "Content-Type", "application/x-www-form-urlencoded"),
                "title=hello&csrf_token=nope"));
        assertThat(status(wrong)).isEqualTo(403);
    }

    @Test
    void bearerRequests_andRoutesThatOptOut_needNoCsrfToken() {
        String token = fixture.token("alice", "a");
        Session alice = login("alice", "a");

        assertThat(fixture.gateway.forward().forward(Fixtures.request("POST", "/app/items",
                GatewayFixture.bearer(token), ""))).isInstanceOf(ForwardingPlan.class);
        assertThat(forward("POST", "/hooks/x", alice.cookieHeader(), "")).isInstanceOf(ForwardingPlan.class);
    }

    @Test
    void anAuthorizersIdentity_neverStandsInForACookieSessionsCsrfCheck() {
        Session alice = login("alice", "a");
        // An authorizer whose identity source is satisfied by any Authorization header lets the cookie through.
        AuthResult authorized = fixture.gateway.forward().checkAccess(
                MapHeaders.of("Cookie", alice.cookieHeader(), "Authorization", "Basic eDp5"), "/app/items");
        Optional<io.portcullis.core.token.Identity> identity = Optional.of(
                ((Authenticated) authorized).claims().identity());

        ForwardDecision withoutCsrf = fixture.gateway.forward().forward(Fixtures.request("POST", "/app/items",
                MapHeaders.of("Cookie", alice.cookieHeader(), "Authorization", "Basic eDp5"), ""), identity);
        ForwardDecision withCsrf = fixture.gateway.forward().forward(Fixtures.request("POST", "/app/items",
                MapHeaders.of("Cookie", alice.cookieHeader(), "Authorization", "Basic eDp5", "X-CSRF-Token",
                        alice.csrf()), ""), identity);

        assertThat(status(withoutCsrf)).isEqualTo(403);
        assertThat(withCsrf).isInstanceOf(ForwardingPlan.class);
    }

    @Test
    void csrfTokens_ofOneGateway_areAcceptedByAnotherWithTheSameKeys() throws Exception {
        Session alice = login("alice", "a");
        try (GatewayFixture other = new GatewayFixture(dir.resolve("other"), YAML)) {
            ForwardDecision decision = other.gateway.forward().forward(Fixtures.request("POST", "/app/items",
                    MapHeaders.of("Cookie", alice.cookieHeader(), "X-CSRF-Token", alice.csrf()), ""));
            assertThat(decision).isInstanceOf(ForwardingPlan.class);
        }
    }

    @Test
    void adminRevocation_fromACookieSession_needsTheCsrfToken() {
        Session alice = login("alice", "a");

        GatewayResponse forged = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/admin/revoke",
                MapHeaders.of("Cookie", alice.cookieHeader(), "Content-Type", "application/json"),
                "{\"user\":\"bob\"}")).orElseThrow().toResponse();
        GatewayResponse meant = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/admin/revoke",
                MapHeaders.of("Cookie", alice.cookieHeader(), "Content-Type", "application/json", "X-CSRF-Token",
                        alice.csrf()), "{\"user\":\"bob\"}")).orElseThrow().toResponse();

        assertThat(forged.status()).isEqualTo(403);
        assertThat(meant.status()).isEqualTo(204);
    }

    @Test
    void adminApi_fromACookieSession_readsFreely_butChangesOnlyWithTheCsrfToken() {
        Session alice = login("alice", "a");
        String carol = "{\"password\":\"c\"}";

        GatewayResponse read = fixture.gateway.ownEndpoint(Fixtures.request("GET", "/admin/users",
                MapHeaders.of("Cookie", alice.cookieHeader()), "")).orElseThrow().toResponse();
        GatewayResponse forged = fixture.gateway.ownEndpoint(Fixtures.request("PUT", "/admin/users/carol",
                MapHeaders.of("Cookie", alice.cookieHeader(), "Content-Type", "application/json"), carol))
                .orElseThrow().toResponse();
        GatewayResponse meant = fixture.gateway.ownEndpoint(Fixtures.request("PUT", "/admin/users/carol",
                MapHeaders.of("Cookie", alice.cookieHeader(), "Content-Type", "application/json", "X-CSRF-Token",
                        alice.csrf()), carol)).orElseThrow().toResponse();

        assertThat(read.status()).isEqualTo(200);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(new String(forged.body(), StandardCharsets.UTF_8)).contains("CSRF");
        assertThat(meant.status()).isEqualTo(201);
    }

    @Test
    void logout_revokesTheSession_clearsBothCookies_andRedirects() {
        Session alice = login("alice", "a");

        for (String method : List.of("GET", "POST")) {
            GatewayResponse response = fixture.gateway.ownEndpoint(Fixtures.request(method, "/logout",
                    MapHeaders.of("Cookie", alice.cookieHeader()), "")).orElseThrow().toResponse();
            assertThat(response.status()).isEqualTo(303);
            assertThat(header(response, "Location")).contains("/bye");
            assertThat(setCookies(response)).containsExactly(
                    "sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict",
                    "sid-csrf=; Path=/; Max-Age=0; Secure; SameSite=Strict");
        }
        ForwardDecision after = forward("GET", "/app/page", alice.cookieHeader(), "");
        assertThat(status(after)).isEqualTo(401);
        assertThat(((Rejection) after).reason()).isEqualTo("revoked");
    }

    @Test
    void severalSessionCookies_areRefused_notGuessedBetween() {
        Session alice = login("alice", "a");
        Session bob = login("bob", "b");

        ForwardDecision decision = forward("GET", "/app/page", "sid=" + alice.token() + "; sid=" + bob.token(), "");

        assertThat(status(decision)).isEqualTo(401);
    }

    record Session(String token, String csrf) {
        String cookieHeader() {
            return "sid=" + token + "; sid-csrf=" + csrf;
        }
    }

    private Session login(String user, String password) {
        GatewayResponse response = formLogin("username=" + user + "&password=" + password);
        assertThat(response.status()).isEqualTo(303);
        List<String> cookies = setCookies(response);
        return new Session(cookieValue(cookies.get(0)), cookieValue(cookies.get(1)));
    }

    private static String cookieValue(String setCookie) {
        String pair = setCookie.split(";", 2)[0];
        return pair.substring(pair.indexOf('=') + 1);
    }

    private GatewayResponse formLogin(String body) {
        return fixture.gateway.ownEndpoint(form(body)).orElseThrow().toResponse();
    }

    private static GatewayRequest form(String body) {
        return Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/x-www-form-urlencoded"),
                body);
    }

    private ForwardDecision forward(String method, String path, String cookie, String body, String... more) {
        MapHeaders headers = MapHeaders.of("Cookie", cookie);
        for (int i = 0; i < more.length; i += 2) {
            headers.add(more[i], more[i + 1]);
        }
        return fixture.gateway.forward().forward(Fixtures.request(method, path, headers, body));
    }

    private static int status(ForwardDecision decision) {
        return decision instanceof Rejection rejection ? rejection.status() : 200;
    }

    private static List<String> setCookies(GatewayResponse response) {
        return response.headers().stream().filter(h -> h.name().equalsIgnoreCase("Set-Cookie")).map(Header::value)
                .toList();
    }

    private static Optional<String> header(GatewayResponse response, String name) {
        return response.headers().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value)
                .findFirst();
    }
}
