package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Browser sessions with refresh tokens: a third, HttpOnly cookie; a lapsed session renews itself with a 307 back to
 * the same place, keeping its CSRF token; parallel requests do not log the browser out; reuse, logout and the
 * refresh endpoint; how renewal and the sign-in page take turns.
 */
class BrowserRenewalTest {
    static final String YAML = """
            users:
              - { username: alice, password: a, roles: [admin] }
              - { username: carol, password: c, totp-secret: %s }
            rate-limits:
              auth: { requests-per-second: 1000, burst: 1000 }
              proxy: { requests-per-second: 1000, burst: 1000 }
            store: { type: memory }
            browser: { cookie: sid }
            routes:
              - { prefix: /app, target: "http://127.0.0.1:9000" }
              - { prefix: /, target: "http://127.0.0.1:9001" }
            """.formatted(SignInPagesTest.CAROL_SECRET);
    private static final String BROWSER_ACCEPT = SignInPagesTest.BROWSER_ACCEPT;

    @TempDir
    Path dir;
    private GatewayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, "ttl-seconds: 900, refresh-ttl: 8h", YAML);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void formLogin_setsTheRefreshCookie_httpOnly_andTheCsrfCookieLivesAsLongAsIt() {
        Map<String, String> cookies = setCookies(formLogin());

        assertThat(cookies.get("sid")).endsWith("; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Strict");
        assertThat(cookies.get("sid-refresh")).startsWith("sid-refresh=k1.")
                .endsWith("; Path=/; Max-Age=28800; HttpOnly; Secure; SameSite=Strict");
        assertThat(cookies.get("sid-csrf")).endsWith("; Path=/; Max-Age=28800; Secure; SameSite=Strict");
    }

    @Test
    void aLapsedSession_isRenewedWithA307ToTheSamePlace_keepingItsCsrfToken() {
        Map<String, String> login = setCookies(formLogin());
        fixture.clock.advance(Duration.ofMinutes(20));

        Rejection renewal = (Rejection) forward("POST", "/app/items?x=1", "sid-refresh=" + value(login, "sid-refresh"));

        assertThat(renewal.status()).isEqualTo(307);
        assertThat(renewal.reason()).isEqualTo("session_renewed");
        GatewayResponse response = renewal.toResponse();
        assertThat(header(response, "Location")).contains("/app/items?x=1");
        Map<String, String> renewed = setCookies(response);
        assertThat(value(renewed, "sid-csrf")).as("the token id stays, and so does the CSRF token")
                .isEqualTo(value(login, "sid-csrf"));
        assertThat(value(renewed, "sid-refresh")).isNotEqualTo(value(login, "sid-refresh"));

        ForwardDecision repeated = forward("POST", "/app/items?x=1", "sid=" + value(renewed, "sid")
                + "; sid-refresh=" + value(renewed, "sid-refresh"), "X-CSRF-Token", value(login, "sid-csrf"));
        ForwardingPlan plan = (ForwardingPlan) repeated;
        assertThat(plan.identity().orElseThrow().subject()).isEqualTo("alice");
        assertThat(plan.addHeaders()).filteredOn(h -> h.name().equals("Cookie"))
                .allSatisfy(h -> assertThat(h.value()).doesNotContain("sid-refresh").doesNotContain("sid="));
    }

    @Test
    void theRedirect_neverLeavesTheSite_whateverThePathLookedLike() {
        Map<String, String> login = setCookies(formLogin());
        fixture.clock.advance(Duration.ofMinutes(20));

        Rejection renewal = (Rejection) forward("GET", "//evil.example/x",
                "sid-refresh=" + value(login, "sid-refresh"));

        assertThat(header(renewal.toResponse(), "Location")).contains("/evil.example/x");
    }

    @Test
    void parallelRequests_ofALapsedSession_allGetASession_andOnlyOneANewRefreshToken() {
        Map<String, String> login = setCookies(formLogin());
        fixture.clock.advance(Duration.ofMinutes(20));
        String refreshCookie = "sid-refresh=" + value(login, "sid-refresh");

        Map<String, String> first = setCookies(((Rejection) forward("GET", "/app/a", refreshCookie)).toResponse());
        fixture.clock.advance(Duration.ofSeconds(1));
        Map<String, String> second = setCookies(((Rejection) forward("GET", "/app/b", refreshCookie)).toResponse());

        assertThat(first).containsKeys("sid", "sid-csrf", "sid-refresh");
        assertThat(second).containsKeys("sid", "sid-csrf").doesNotContainKey("sid-refresh");
        assertThat(forward("GET", "/app/b", "sid=" + value(second, "sid"))).isInstanceOf(ForwardingPlan.class);
        fixture.clock.advance(Duration.ofMinutes(20));
        assertThat(((Rejection) forward("GET", "/app/c", "sid-refresh=" + value(first, "sid-refresh"))).status())
                .as("the browser kept the first answer's refresh cookie, which renews").isEqualTo(307);
    }

    @Test
    void aReusedRefreshCookie_isRefused_withTheCookieCleared_andTheFamilyEnds() {
        Map<String, String> login = setCookies(formLogin());
        fixture.clock.advance(Duration.ofMinutes(20));
        Map<String, String> renewed = setCookies(((Rejection) forward("GET", "/app/a",
                "sid-refresh=" + value(login, "sid-refresh"))).toResponse());
        fixture.clock.advance(Duration.ofMinutes(1));

        Rejection reuse = (Rejection) forward("GET", "/app/a", "sid-refresh=" + value(login, "sid-refresh"));

        assertThat(reuse.status()).isEqualTo(401);
        assertThat(reuse.reason()).isEqualTo(RefreshTokens.REUSED);
        assertThat(setCookies(reuse.toResponse()).get("sid-refresh")).contains("Max-Age=0");
        assertThat(status(forward("GET", "/app/a", "sid=" + value(renewed, "sid")))).isEqualTo(401);
    }

    @Test
    void noRenewal_forABearerCaller_aWebSocketHandshake_orWithoutTheCookie() {
        Map<String, String> login = setCookies(formLogin());
        fixture.clock.advance(Duration.ofMinutes(20));
        String refreshCookie = "sid-refresh=" + value(login, "sid-refresh");

        assertThat(status(forward("GET", "/app/a", refreshCookie, "Authorization", "Bearer expired"))).isEqualTo(401);
        assertThat(status(forward("GET", "/app/a", refreshCookie, "Upgrade", "websocket", "Connection", "Upgrade")))
                .isEqualTo(401);
        assertThat(status(forward("GET", "/app/a", "theme=dark"))).isEqualTo(401);
        assertThat(status(forward("GET", "/app/b", refreshCookie, "Upgrade", "h2c")))
                .as("an HTTP/2 upgrade offer is no WebSocket handshake").isEqualTo(307);
        assertThat(status(forward("GET", "/app/a", refreshCookie + "; " + refreshCookie)))
                .as("two refresh cookies: one was planted; no guessing").isEqualTo(401);
        assertThat(status(forward("GET", "/app/a", refreshCookie))).as("the h2c request spent it a moment ago")
                .isEqualTo(307);
    }

    @Test
    void logout_withOnlyTheRefreshCookie_endsTheFamily_andClearsAllThreeCookies() {
        Map<String, String> login = setCookies(formLogin());
        fixture.clock.advance(Duration.ofMinutes(20));
        String refreshCookie = "sid-refresh=" + value(login, "sid-refresh");

        GatewayResponse logout = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/logout",
                MapHeaders.of("Cookie", refreshCookie), "")).orElseThrow().toResponse();

        assertThat(setCookies(logout)).containsOnlyKeys("sid", "sid-csrf", "sid-refresh")
                .allSatisfy((name, cookie) -> assertThat(cookie).contains("Max-Age=0"));
        assertThat(((Rejection) forward("GET", "/app/a", refreshCookie)).reason()).isEqualTo("refresh_token_revoked");
    }

    @Test
    void refreshEndpoint_withTheCookieAndNoBody_renewsAhead_with204AndCookies() {
        Map<String, String> login = setCookies(formLogin());
        fixture.clock.advance(Duration.ofMinutes(10));

        Reply reply = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth/refresh",
                MapHeaders.of("Cookie", "sid-refresh=" + value(login, "sid-refresh")), "")).orElseThrow();

        assertThat(reply.outcome()).isInstanceOf(Issued.class);
        GatewayResponse response = reply.toResponse();
        assertThat(response.status()).isEqualTo(204);
        assertThat(setCookies(response)).containsKeys("sid", "sid-csrf", "sid-refresh");
    }

    @Test
    void aBrowsersPageLoad_ofALapsedSession_isRenewed_beforeAnySignInPage() {
        Map<String, String> login = setCookies(formLogin());
        fixture.clock.advance(Duration.ofMinutes(20));

        Rejection renewal = (Rejection) forward("GET", "/app/inbox", "sid-refresh=" + value(login, "sid-refresh"),
                "Accept", BROWSER_ACCEPT);
        Rejection signIn = (Rejection) forward("GET", "/app/inbox", "theme=dark", "Accept", BROWSER_ACCEPT);

        assertThat(renewal.status()).isEqualTo(307);
        assertThat(header(renewal.toResponse(), "Location")).hasValue("/app/inbox");
        assertThat(signIn.status()).as("no refresh cookie: the sign-in page").isEqualTo(302);
        assertThat(header(signIn.toResponse(), "Location")).hasValue("/auth/login?redirect=%2Fapp%2Finbox");
    }

    @Test
    void aBrowsersPageLoad_withAReusedRefreshCookie_goesToSignIn_withTheCookieCleared_andTheReuseStillNamed() {
        Map<String, String> login = setCookies(formLogin());
        fixture.clock.advance(Duration.ofMinutes(20));
        String refreshCookie = "sid-refresh=" + value(login, "sid-refresh");
        assertThat(status(forward("GET", "/app/a", refreshCookie))).isEqualTo(307);
        fixture.clock.advance(Duration.ofMinutes(1));

        Rejection reuse = (Rejection) forward("GET", "/app/a", refreshCookie, "Accept", BROWSER_ACCEPT);

        assertThat(reuse.status()).isEqualTo(302);
        assertThat(reuse.reason()).as("logs and the audit line still say why").isEqualTo(RefreshTokens.REUSED);
        assertThat(reuse.identity()).as("and whose login it was").hasValueSatisfying(who -> assertThat(
                who.subject()).isEqualTo("alice"));
        GatewayResponse response = reuse.toResponse();
        assertThat(header(response, "Location")).hasValue("/auth/login?redirect=%2Fapp%2Fa");
        assertThat(setCookies(response).get("sid-refresh")).as("the refused cookie is cleared").contains("Max-Age=0");
    }

    @Test
    void aTwoStepSignInOnThePage_startsARefreshFamilyToo_andLogoutClearsEveryCookie() {
        GatewayResponse first = pageForm("username=carol&password=c", "");
        String ticket = "sid-login=" + value(setCookies(first), "sid-login");
        String code = new io.portcullis.core.totp.Totp(io.portcullis.core.totp.TotpAlgorithm.SHA1, 6).code(
                io.portcullis.core.totp.Base32.decode(SignInPagesTest.CAROL_SECRET),
                io.portcullis.core.totp.Totp.step(fixture.clock.instant()));

        Map<String, String> done = setCookies(pageForm("totp_code=" + code, ticket));

        assertThat(done).containsOnlyKeys("sid", "sid-csrf", "sid-refresh", "sid-login");
        assertThat(done.get("sid-login")).contains("Max-Age=0");
        assertThat(done.get("sid-refresh")).contains("Max-Age=28800; HttpOnly");
        fixture.clock.advance(Duration.ofMinutes(20));
        String refreshCookie = "sid-refresh=" + value(done, "sid-refresh");
        assertThat(status(forward("GET", "/app/a", refreshCookie))).isEqualTo(307);

        GatewayResponse logout = fixture.gateway.ownEndpoint(Fixtures.request("GET", "/logout", MapHeaders.of(
                "Cookie", refreshCookie + "; " + ticket, "Accept", BROWSER_ACCEPT), "")).orElseThrow().toResponse();
        assertThat(header(logout, "Location")).hasValue("/auth/signed-out");
        assertThat(setCookies(logout)).containsOnlyKeys("sid", "sid-csrf", "sid-refresh", "sid-login")
                .allSatisfy((name, cookie) -> assertThat(cookie).contains("Max-Age=0"));
    }

    /** A form the sign-in page posts, from a browser. */
    private GatewayResponse pageForm(String body, String cookie) {
        MapHeaders headers = MapHeaders.of("Content-Type", "application/x-www-form-urlencoded", "Accept",
                BROWSER_ACCEPT, "Sec-Fetch-Site", "same-origin");
        if (!cookie.isEmpty()) {
            headers.add("Cookie", cookie);
        }
        return fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth", headers, body)).orElseThrow()
                .toResponse();
    }

    private GatewayResponse formLogin() {
        return fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth",
                MapHeaders.of("Content-Type", "application/x-www-form-urlencoded"), "username=alice&password=a"))
                .orElseThrow().toResponse();
    }

    private ForwardDecision forward(String method, String path, String cookie, String... more) {
        MapHeaders headers = MapHeaders.of("Cookie", cookie);
        for (int i = 0; i < more.length; i += 2) {
            headers.add(more[i], more[i + 1]);
        }
        return fixture.gateway.forward().forward(Fixtures.request(method, path, headers, ""));
    }

    private static int status(ForwardDecision decision) {
        return decision instanceof Rejection rejection ? rejection.status() : 200;
    }

    /** Set-Cookie headers by cookie name. */
    private static Map<String, String> setCookies(GatewayResponse response) {
        return response.headers().stream().filter(h -> h.name().equalsIgnoreCase("Set-Cookie")).map(Header::value)
                .collect(Collectors.toMap(c -> c.substring(0, c.indexOf('=')), c -> c));
    }

    private static String value(Map<String, String> cookies, String name) {
        String pair = cookies.get(name).split(";", 2)[0];
        return pair.substring(pair.indexOf('=') + 1);
    }

    private static Optional<String> header(GatewayResponse response, String name) {
        return response.headers().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value)
                .findFirst();
    }
}
