package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sign-in pages over real sockets, as the server's own HTTP edge writes them: the headers of
 * the pages and their files, the 302 that sends a browser to the page while programs keep their 401, cross-site
 * refusals, and the second-factor page's posts in the audit log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInPagesServerTest {
    static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
            + "image/webp,*/*;q=0.8";
    static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    private static final Pattern STYLESHEET = Pattern.compile("href=\"(/auth/assets/pages\\.css\\?v=[0-9a-f]+)\"");
    private static final Pattern LOGO = Pattern.compile("src=\"(/auth/assets/logo\\?v=[0-9a-f]+)\"");
    private static final String LOGO_SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 2 2\">"
            + "<rect width=\"2\" height=\"2\" fill=\"#c60\"/></svg>";
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    TestBackend backend;
    RunningGateway gateway;
    LogsTest.Stdout stdout;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        backend = new TestBackend();
        Files.writeString(dir.resolve("logo.svg"), LOGO_SVG);
        stdout = new LogsTest.Stdout();
        gateway = RunningGateway.start(dir, """
                users: [ { username: alice, password: wonderland } ]
                store: { type: memory }
                rate-limits: { auth: { requests-per-second: 1000, burst: 1000 } }
                browser: { page: { product: Acme Tools, logo: logo.svg, accent-color: "#cc6600" } }
                routes:
                  - { prefix: /app, target: "http://127.0.0.1:%1$d" }
                  - { prefix: /api, target: "http://127.0.0.1:%1$d", login-redirect: false }
                """.formatted(backend.port()));
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (stdout != null) {
            stdout.close();
        }
        backend.close();
    }

    @Test
    void signInPage_andItsFiles_carryTheirHeaders() throws Exception {
        HttpResponse<String> page = get("/auth/login?redirect=%2Fapp", BROWSER_ACCEPT);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).hasValue(POLICY);
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(page.body()).contains("<p class=\"product\">Acme Tools</p>")
                .contains("name=\"redirect\" value=\"/app\"");

        HttpResponse<String> css = get(found(STYLESHEET, page.body()), "text/css,*/*;q=0.1");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(css.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
        assertThat(css.body()).contains("--accent: #cc6600;");

        HttpResponse<String> logo = get(found(LOGO, page.body()), "image/*");
        assertThat(logo.statusCode()).isEqualTo(200);
        assertThat(logo.headers().firstValue("content-type")).hasValue("image/svg+xml");
        assertThat(logo.headers().firstValue("content-security-policy")).hasValueSatisfying(policy ->
                assertThat(policy).startsWith("default-src 'none'").endsWith("sandbox"));
        assertThat(logo.body()).isEqualTo(LOGO_SVG);

        HttpResponse<String> head = send(HttpRequest.newBuilder(gateway.uri("/auth/login"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(send(HttpRequest.newBuilder(gateway.uri("/auth/signed-out"))).headers()
                .firstValue("content-security-policy")).hasValue(POLICY);
    }

    @Test
    void aBrowserIsSentToThePage_whileProgramsKeepTheir401() throws Exception {
        HttpResponse<String> browser = get("/app/inbox?tab=2", BROWSER_ACCEPT);
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.headers().firstValue("location")).hasValue("/auth/login?redirect=%2Fapp%2Finbox%3Ftab%3D2");
        assertThat(browser.headers().firstValue("cache-control")).hasValue("no-store");

        for (String accept : List.of("application/json", "*/*")) {
            HttpResponse<String> program = get("/app/inbox", accept);
            assertThat(program.statusCode()).as(accept).isEqualTo(401);
            assertThat(RunningGateway.json(program).get("error").asText()).isEqualTo("missing_token");
        }
        assertThat(get("/api/x", BROWSER_ACCEPT).statusCode()).as("login-redirect: false").isEqualTo(401);
        assertThat(backend.receivedNothing()).isTrue();
    }

    @Test
    void aFailedBrowserLogin_comesBackToThePageWithItsError() throws Exception {
        HttpResponse<String> failed = form("/auth", "username=alice&password=nope&redirect=%2Fapp", "same-origin",
                null);
        assertThat(failed.statusCode()).isEqualTo(303);
        String location = failed.headers().firstValue("location").orElseThrow();
        assertThat(location).isEqualTo("/auth/login?error=invalid_credentials&redirect=%2Fapp");

        assertThat(get(location, BROWSER_ACCEPT).body()).contains("The username or password is not right.")
                .contains("name=\"redirect\" value=\"/app\"");
    }

    @Test
    void crossSitePosts_ofTheLoginAndTheSecondFactorPage_areRefused() throws Exception {
        // A browser is told on the page; no cookie either way.
        HttpResponse<String> login = form("/auth", "username=alice&password=wonderland", "cross-site", null);
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("location")).hasValue("/auth/login?error=forbidden");
        assertThat(login.headers().allValues("set-cookie")).isEmpty();
        assertThat(get("/auth/login?error=forbidden", BROWSER_ACCEPT).body()).contains("This sign-in was refused.");

        String[] session = signIn();
        HttpResponse<String> enrol = form("/auth/totp", "action=enrol&csrf_token="
                + URLEncoder.encode(session[1], StandardCharsets.UTF_8), "cross-site", session);
        assertThat(enrol.statusCode()).isEqualTo(403);
        assertThat(RunningGateway.json(enrol).get("error").asText()).isEqualTo("forbidden");
    }

    @Test
    void secondFactorPagePosts_areAuditedAsTotpEvents() throws Exception {
        String[] session = signIn();

        HttpResponse<String> refused = form("/auth/totp", "action=enrol", "same-origin", session);
        assertThat(refused.statusCode()).as("no CSRF token").isEqualTo(403);
        HttpResponse<String> enrolled = form("/auth/totp", "action=enrol&csrf_token="
                + URLEncoder.encode(session[1], StandardCharsets.UTF_8), "same-origin", session);
        assertThat(enrolled.statusCode()).isEqualTo(200);
        assertThat(enrolled.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(enrolled.body()).contains("id=\"secret\"");

        List<JsonNode> events = awaitAudit("totp", 2);
        assertThat(events).extracting(e -> e.get("outcome").asText() + " " + e.path("reason").asText())
                .containsExactly("failure csrf_missing", "success ");
        assertThat(events).allSatisfy(e -> assertThat(e.get("path").asText()).isEqualTo("/auth/totp"));
    }

    /** Logs alice in with the form; the session cookie and the CSRF token. */
    private String[] signIn() throws Exception {
        HttpResponse<String> login = form("/auth", "username=alice&password=wonderland", "same-origin", null);
        assertThat(login.statusCode()).isEqualTo(303);
        String token = null;
        String csrf = null;
        for (String cookie : login.headers().allValues("set-cookie")) {
            String value = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
            if (cookie.startsWith("__Host-portcullis=")) {
                token = value;
            } else if (cookie.startsWith("__Host-portcullis-csrf=")) {
                csrf = value;
            }
        }
        return new String[] {token, csrf};
    }

    private List<JsonNode> awaitAudit(String event, int count) throws Exception {
        for (int i = 0; i < 200; i++) {
            List<JsonNode> found = stdout.lines().stream().filter(l -> l.path("log").asText().equals("audit")
                    && l.path("event").asText().equals(event)).toList();
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + count + " audit lines for " + event + " in " + stdout.lines());
    }

    private HttpResponse<String> form(String path, String body, String fetchSite, String[] session) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", BROWSER_ACCEPT)
                .header("Sec-Fetch-Site", fetchSite).POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Cookie", "__Host-portcullis=" + session[0] + "; __Host-portcullis-csrf=" + session[1]);
        }
        return send(request);
    }

    private HttpResponse<String> get(String pathAndQuery, String accept) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.server.port() + pathAndQuery))
                .header("Accept", accept));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String found(Pattern pattern, String html) {
        Matcher matcher = pattern.matcher(html);
        assertThat(matcher.find()).as(pattern + " in the page").isTrue();
        return matcher.group(1);
    }
}
