package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.totp.Base32;
import io.portcullis.core.totp.Totp;
import io.portcullis.core.totp.TotpAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sign-in page in the core: what it shows for each query, the two steps of a sign-in with a second factor
 * (the login ticket between them), where failures and logouts send a browser, and the pages' headers.
 */
class SignInPagesTest {
    static final String CAROL_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    private static final Totp TOTP = new Totp(TotpAlgorithm.SHA1, 6);
    static final String YAML = """
            users:
              - { username: alice, password: a }
              - { username: carol, password: c, totp-secret: %s }
            rate-limits: { auth: { requests-per-second: 100, burst: 100 } }
            browser: { cookie: sid, login-redirect: /app/home }
            routes:
              - { prefix: /app, target: "http://127.0.0.1:9000" }
            """.formatted(CAROL_SECRET);

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
    void signInPage_isAFormPostingToAuth_withLabels_andTheHeadersOfAPage() {
        GatewayResponse page = get("/auth/login", "");

        assertThat(page.status()).isEqualTo(200);
        assertThat(header(page, "Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(header(page, "Content-Security-Policy")).hasValue(POLICY);
        assertThat(header(page, "Cache-Control")).hasValue("no-store");
        assertThat(header(page, "X-Content-Type-Options")).hasValue("nosniff");
        assertThat(header(page, "X-Frame-Options")).hasValue("DENY");
        String html = body(page);
        assertThat(html).contains("<form method=\"post\" action=\"/auth\">")
                .contains("<label for=\"username\">Username</label>")
                .contains("<label for=\"password\">Password</label>")
                .contains("<input type=\"hidden\" name=\"redirect\" value=\"\">")
                .contains("<title>Sign in · Portcullis</title>")
                .containsPattern("<link rel=\"stylesheet\" href=\"/auth/assets/pages.css\\?v=[0-9a-f]{12}\">")
                .doesNotContain("<script").doesNotContain("style=").doesNotContain("role=\"alert\"");
    }

    @Test
    void signInPage_keepsALocalRedirect_escaped_andDropsAnyOther() {
        String html = body(get("/auth/login", "redirect=%2Fapp%2Fx%3Fa%3D1%26b%3D%22%3E%3Cscript%3E"));
        assertThat(html).contains("name=\"redirect\" value=\"/app/x?a=1&amp;b=&quot;&gt;&lt;script&gt;\"")
                .doesNotContain("<script>");

        for (String open : List.of("%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example",
                "%2Fauth%2Flogin%3Fredirect%3D%252Fx")) {
            assertThat(body(get("/auth/login", "redirect=" + open))).as(open)
                    .contains("name=\"redirect\" value=\"\"").doesNotContain("evil");
        }
        assertThat(get("/auth/login", "redirect=%zz").status()).as("a malformed query is ignored").isEqualTo(200);
    }

    @Test
    void signInPage_showsTheErrorOfACode_tiedToTheFields_andNeverEchoesAnUnknownOne() {
        String wrong = body(get("/auth/login", "error=invalid_credentials"));
        assertThat(wrong).contains("<p class=\"error\" id=\"error\" role=\"alert\">The username or password is not "
                + "right.</p>");
        assertThat(wrong.split("aria-invalid=\"true\" aria-describedby=\"error\"", -1)).as("on both fields")
                .hasSize(3);

        String limited = body(get("/auth/login", "error=rate_limited"));
        assertThat(limited).contains("Too many attempts").doesNotContain("aria-invalid");

        String unknown = body(get("/auth/login", "error=%3Cb%3Ehacked%3C%2Fb%3E"));
        assertThat(unknown).contains("Signing in did not work. Try again.").doesNotContain("hacked");
    }

    @Test
    void files_areServedWithTheirTypes_andKeptByBrowsers_whileOtherMethodsAre405() {
        GatewayResponse css = get("/auth/assets/pages.css", "v=whatever");

        assertThat(css.status()).isEqualTo(200);
        assertThat(header(css, "Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(header(css, "Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(header(css, "X-Content-Type-Options")).hasValue("nosniff");
        assertThat(body(css)).contains("--accent: #2451b7;").contains("prefers-color-scheme: dark");
        assertThat(get("/auth/assets/logo", "").status()).as("no logo configured").isEqualTo(404);
        GatewayResponse posted = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth/login",
                MapHeaders.empty(), "")).orElseThrow().toResponse();
        assertThat(posted.status()).isEqualTo(405);
        assertThat(header(posted, "Allow")).hasValue("GET, HEAD");
        assertThat(fixture.gateway.ownEndpoint(Fixtures.get("/auth/other", MapHeaders.empty())))
                .as("other /auth/ paths belong to the routes").isEmpty();
    }

    @Test
    void passwordStep_forAUserWithASecondFactor_leavesATicket_andTheCodeStepFinishes() {
        GatewayResponse first = browserForm("username=carol&password=c&redirect=%2Fapp%2Finbox", Optional.empty());

        assertThat(first.status()).isEqualTo(303);
        assertThat(header(first, "Location")).hasValue("/auth/login?step=code&redirect=%2Fapp%2Finbox");
        List<String> cookies = setCookies(first);
        assertThat(cookies).singleElement().satisfies(cookie -> assertThat(cookie)
                .matches("sid-login=k1\\.[A-Za-z0-9_-]+\\.\\d+\\.[A-Za-z0-9_-]+; Path=/; Max-Age=300; HttpOnly; "
                        + "Secure; SameSite=Strict"));
        String ticket = cookieValue(cookies.getFirst());

        // The page's second step: only with the ticket; the code field is tied to its hint.
        String codePage = body(get("/auth/login", "step=code&redirect=%2Fapp%2Finbox", "sid-login=" + ticket));
        assertThat(codePage).contains("name=\"totp_code\"").contains("aria-describedby=\"code-hint\"")
                .doesNotContain("name=\"password\"").contains("name=\"redirect\" value=\"/app/inbox\"")
                .contains("href=\"/auth/login?redirect=%2Fapp%2Finbox\">Start over</a>");

        // A wrong code keeps the browser on the code step, with the error on the code field.
        GatewayResponse wrong = browserForm("totp_code=" + wrong(code(0)) + "&redirect=%2Fapp%2Finbox",
                Optional.of(ticket));
        assertThat(header(wrong, "Location")).hasValue(
                "/auth/login?error=invalid_credentials&step=code&redirect=%2Fapp%2Finbox");
        assertThat(setCookies(wrong)).isEmpty();
        assertThat(body(get("/auth/login", "error=invalid_credentials&step=code", "sid-login=" + ticket)))
                .contains("That code is not right").contains("aria-describedby=\"code-hint error\"")
                .contains("aria-invalid=\"true\"");

        GatewayResponse done = browserForm("totp_code=" + code(0) + "&redirect=%2Fapp%2Finbox", Optional.of(ticket));
        assertThat(done.status()).isEqualTo(303);
        assertThat(header(done, "Location")).hasValue("/app/inbox");
        assertThat(setCookies(done)).hasSize(3).anySatisfy(c -> assertThat(c).startsWith("sid="))
                .anySatisfy(c -> assertThat(c).startsWith("sid-csrf="))
                .anySatisfy(c -> assertThat(c).isEqualTo("sid-login=; Path=/; Max-Age=0; HttpOnly; Secure; "
                        + "SameSite=Strict"));

        // The code counts once, the ticket notwithstanding.
        GatewayResponse replayed = browserForm("totp_code=" + code(0), Optional.of(ticket));
        assertThat(header(replayed, "Location")).hasValue("/auth/login?error=invalid_credentials&step=code");
    }

    @Test
    void codeStep_withoutAValidTicket_startsOver() {
        String ticket = cookieValue(setCookies(browserForm("username=carol&password=c", Optional.empty())).getFirst());

        GatewayResponse none = browserForm("totp_code=" + code(0) + "&redirect=%2Fapp", Optional.empty());
        assertThat(header(none, "Location")).hasValue("/auth/login?error=sign_in_expired&redirect=%2Fapp");
        GatewayResponse forged = browserForm("totp_code=" + code(0), Optional.of(ticket.replace("k1.", "k1.Y")));
        assertThat(header(forged, "Location")).hasValue("/auth/login?error=sign_in_expired");

        fixture.clock.advance(Duration.ofMinutes(5));
        GatewayResponse late = browserForm("totp_code=" + code(0), Optional.of(ticket));
        assertThat(header(late, "Location")).hasValue("/auth/login?error=sign_in_expired");
        assertThat(body(get("/auth/login", "step=code", "sid-login=" + ticket))).as("the page agrees")
                .contains("That took too long. Sign in again.").contains("name=\"password\"");
    }

    @Test
    void failedFormLogins_sendABrowserBackToThePage_withTheRedirect_butGiveAProgramJson() {
        GatewayResponse browser = browserForm("username=alice&password=wrong&redirect=%2Fapp%2Fx", Optional.empty());
        assertThat(browser.status()).isEqualTo(303);
        assertThat(header(browser, "Location")).hasValue("/auth/login?error=invalid_credentials&redirect=%2Fapp%2Fx");
        assertThat(header(browser, "RateLimit-Remaining")).isPresent();

        GatewayResponse program = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth", MapHeaders.of(
                "Content-Type", "application/x-www-form-urlencoded"), "username=carol&password=c")).orElseThrow()
                .toResponse();
        assertThat(program.status()).isEqualTo(401);
        assertThat(body(program)).contains("\"totp_required\"");
        assertThat(setCookies(program)).as("no ticket for a program").isEmpty();
    }

    @Test
    void theTicketCookie_neverReachesABackend() {
        String ticket = cookieValue(setCookies(browserForm("username=carol&password=c", Optional.empty())).getFirst());
        String token = fixture.token("alice", "a");

        ForwardingPlan plan = (ForwardingPlan) fixture.gateway.forward().forward(Fixtures.get("/app/x",
                MapHeaders.of("Authorization", "Bearer " + token, "Cookie", "theme=dark; sid-login=" + ticket)));

        assertThat(plan.dropHeaders()).contains("cookie");
        assertThat(plan.addHeaders()).contains(new Header("Cookie", "theme=dark"));
    }

    @Test
    void logout_sendsABrowserToTheSignedOutPage_andAProgramGets204() {
        GatewayResponse browser = fixture.gateway.ownEndpoint(Fixtures.get("/logout", MapHeaders.of("Accept",
                BROWSER_ACCEPT))).orElseThrow().toResponse();
        assertThat(browser.status()).isEqualTo(303);
        assertThat(header(browser, "Location")).hasValue("/auth/signed-out");
        GatewayResponse program = fixture.gateway.ownEndpoint(Fixtures.get("/logout", MapHeaders.empty()))
                .orElseThrow().toResponse();
        assertThat(program.status()).isEqualTo(204);

        GatewayResponse page = get("/auth/signed-out", "");
        assertThat(page.status()).isEqualTo(200);
        assertThat(header(page, "Content-Security-Policy")).hasValue(POLICY);
        assertThat(body(page)).contains("<h1 id=\"heading\">Signed out</h1>").contains("href=\"/auth/login\"");
    }

    private GatewayResponse get(String path, String query, String... cookie) {
        MapHeaders headers = MapHeaders.of("Accept", BROWSER_ACCEPT);
        if (cookie.length > 0) {
            headers.add("Cookie", cookie[0]);
        }
        return fixture.gateway.ownEndpoint(Fixtures.get(query.isEmpty() ? path : path + "?" + query, headers))
                .orElseThrow().toResponse();
    }

    /** A form login as the page's form posts it. */
    private GatewayResponse browserForm(String body, Optional<String> ticket) {
        MapHeaders headers = MapHeaders.of("Content-Type", "application/x-www-form-urlencoded", "Accept",
                BROWSER_ACCEPT, "Sec-Fetch-Site", "same-origin");
        ticket.ifPresent(value -> headers.add("Cookie", "sid-login=" + value));
        return fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth", headers, body)).orElseThrow()
                .toResponse();
    }

    private String code(int stepsAhead) {
        return TOTP.code(Base32.decode(CAROL_SECRET), Totp.step(fixture.clock.instant()) + stepsAhead);
    }

    static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    static Optional<String> header(GatewayResponse response, String name) {
        return response.headers().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value)
                .findFirst();
    }

    static List<String> setCookies(GatewayResponse response) {
        return response.headers().stream().filter(h -> h.name().equalsIgnoreCase("Set-Cookie")).map(Header::value)
                .toList();
    }

    static String cookieValue(String setCookie) {
        String pair = setCookie.split(";", 2)[0];
        return pair.substring(pair.indexOf('=') + 1);
    }

    static String body(GatewayResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
