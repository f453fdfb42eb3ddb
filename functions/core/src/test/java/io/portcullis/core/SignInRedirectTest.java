package io.portcullis.core;

import static io.portcullis.core.SignInPagesTest.BROWSER_ACCEPT;
import static io.portcullis.core.SignInPagesTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.jwt.JwtMint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Browsers go to the page": Forward's one decision, on the 401 path only. A browser's page load that is not signed
 * in gets 302 to the sign-in page with the path and query it asked for; every program, every other method, a
 * route that opted out, and a route whose tokens the page cannot issue keep the JSON 401.
 */
class SignInRedirectTest {
    private static final String YAML = """
            users: [ { username: alice, password: a } ]
            rate-limits: { proxy: { requests-per-second: 1000, burst: 1000 } }
            jwt: { keys: [ { algorithm: HS512, secret: "%s" } ] }
            browser: { cookie: sid, login-page: /sign-in }
            routes:
              - { prefix: /app, target: "http://127.0.0.1:9000" }
              - { prefix: /api, target: "http://127.0.0.1:9001", login-redirect: false }
              - { prefix: /mail, target: "http://127.0.0.1:9002", token: jwt }
              - { prefix: /admin-ui, target: "http://127.0.0.1:9003", roles: [admin] }
            """.formatted(JwtMint.HMAC_SECRET);

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
    void aBrowserPageLoad_withoutASession_goesToTheSignInPage_withWhereItWasGoing() {
        Rejection redirect = (Rejection) forward("GET", "/app/inbox/../mail%7E1?tab=2&q=a%20b", BROWSER_ACCEPT);

        assertThat(redirect.status()).isEqualTo(302);
        assertThat(header(redirect.toResponse(), "Location"))
                .hasValue("/sign-in?redirect=%2Fapp%2Fmail%7E1%3Ftab%3D2%26q%3Da%2520b");
        assertThat(redirect.reason()).as("logs and metrics still say why").isEqualTo("missing_token");
        assertThat(header(redirect.toResponse(), "Cache-Control")).hasValue("no-store");
        assertThat(header(redirect.toResponse(), "WWW-Authenticate")).isEmpty();
        assertThat(((Rejection) forward("HEAD", "/app", BROWSER_ACCEPT)).status()).isEqualTo(302);
    }

    @Test
    void anExpiredOrRevokedSession_isSentToSignInAgain() {
        String token = fixture.token("alice", "a");
        fixture.clock.advance(Duration.ofHours(2));

        Rejection expired = (Rejection) fixture.gateway.forward().forward(Fixtures.get("/app", MapHeaders.of(
                "Accept", BROWSER_ACCEPT, "Cookie", "sid=" + token)));

        assertThat(expired.status()).isEqualTo(302);
        assertThat(expired.reason()).isEqualTo("expired");
    }

    @Test
    void programs_otherMethods_optedOutRoutes_jwtRoutes_andForbiddenUsers_keepTheirAnswer() {
        for (String accept : List.of("application/json", "*/*", "")) {
            assertThat(status(forward("GET", "/app/x", accept))).as("Accept: " + accept).isEqualTo(401);
        }
        assertThat(status(forward("POST", "/app/x", BROWSER_ACCEPT))).isEqualTo(401);
        assertThat(status(forward("GET", "/api/x", BROWSER_ACCEPT))).as("login-redirect: false").isEqualTo(401);
        assertThat(status(forward("GET", "/mail/x", BROWSER_ACCEPT))).as("the page issues no JWT").isEqualTo(401);
        assertThat(status(fixture.gateway.forward().forward(Fixtures.get("/app/x", MapHeaders.of("Accept",
                BROWSER_ACCEPT, "Authorization", "Bearer not-a-token"))))).as("a program's token failed")
                .isEqualTo(401);
        String token = fixture.token("alice", "a");
        assertThat(status(fixture.gateway.forward().forward(Fixtures.get("/admin-ui", MapHeaders.of("Accept",
                BROWSER_ACCEPT, "Cookie", "sid=" + token))))).as("signed in, not admitted").isEqualTo(403);
    }

    @Test
    void withoutTheBrowserSection_nobodyIsRedirected() throws Exception {
        try (GatewayFixture plain = new GatewayFixture(dir.resolve("plain"), """
                routes: [ { prefix: /app, target: "http://127.0.0.1:9000" } ]
                """)) {
            assertThat(status(plain.gateway.forward().forward(Fixtures.get("/app", MapHeaders.of("Accept",
                    BROWSER_ACCEPT))))).isEqualTo(401);
        }
    }

    @Test
    void aTooLongPath_isSentToThePageWithoutARedirect() {
        Rejection redirect = (Rejection) forward("GET", "/app/" + "x".repeat(3000), BROWSER_ACCEPT);

        assertThat(header(redirect.toResponse(), "Location")).hasValue("/sign-in");
    }

    private ForwardDecision forward(String method, String path, String accept) {
        MapHeaders headers = accept.isEmpty() ? MapHeaders.empty() : MapHeaders.of("Accept", accept);
        return fixture.gateway.forward().forward(Fixtures.request(method, path, headers, ""));
    }

    private static int status(ForwardDecision decision) {
        return decision instanceof Rejection rejection ? rejection.status() : 200;
    }
}
