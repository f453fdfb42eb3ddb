package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.totp.Base32;
import io.portcullis.core.totp.Totp;
import io.portcullis.core.totp.TotpAlgorithm;
import io.portcullis.infra.dynamodb.TableNames;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Browser sessions over real sockets: a form login sets the session cookie and its CSRF cookie, the cookie stands in
 * for the bearer token on the routes (and never reaches the backend), state-changing requests need the CSRF token,
 * CSRF tokens are stateless (another instance with the same keys accepts them), logout clears the cookies and
 * revokes the token. Then the TOTP second factor end to end on the embedded store, replay protection included, across
 * a restart.
 */
class BrowserSessionsServerTest {
    private static final String COOKIE = "__Host-portcullis";
    private static final String CSRF_COOKIE = COOKIE + "-csrf";
    /** Never follows redirects: the 303s and their cookies are what is under test. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** What a browser keeps after a form login: the two cookies. */
    record Session(String token, String csrf) {
        /** The Cookie header a browser sends, with a cookie of the site's own around the gateway's. */
        String cookieHeader() {
            return "theme=dark; " + COOKIE + "=" + token + "; " + CSRF_COOKIE + "=" + csrf;
        }
    }

    static TestBackend backend;

    @BeforeAll
    static void startBackend() {
        backend = new TestBackend();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    static String yaml(String browser, String store) {
        return """
                users:
                  - { username: alice, password: wonderland }
                  - { username: bob, password: builder }
                store: %s
                rate-limits: { proxy: { requests-per-second: 1000, burst: 1000 }, auth: { requests-per-second: 1000, burst: 1000 } }
                browser: %s
                routes:
                  - { prefix: /app, target: "http://127.0.0.1:%d" }
                  - { prefix: /hooks, target: "http://127.0.0.1:%3$d", csrf: false }
                """.formatted(store, browser, backend.port());
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> formLogin(RunningGateway gateway, String form, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/auth"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    /** Set-Cookie headers by cookie name. */
    static Map<String, String> setCookies(HttpResponse<String> response) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String value : response.headers().allValues("set-cookie")) {
            byName.put(value.substring(0, value.indexOf('=')), value);
        }
        return byName;
    }

    static String cookieValue(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    /** Logs in with a form, checks the 303 and its two cookies attribute by attribute, and returns them. */
    static Session browserLogin(RunningGateway gateway, String username, String password) throws Exception {
        HttpResponse<String> response = formLogin(gateway, "username=" + username + "&password=" + password);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
        Map<String, String> cookies = setCookies(response);
        assertThat(cookies).containsOnlyKeys(COOKIE, CSRF_COOKIE);
        return new Session(cookieValue(cookies.get(COOKIE)), cookieValue(cookies.get(CSRF_COOKIE)));
    }

    static HttpResponse<String> withCookies(RunningGateway gateway, String method, String path, String cookies,
            String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).header("Cookie", cookies)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    static String error(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/json"));
        return RunningGateway.json(response).get("error").asText();
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Two instances with the same token keys, each on its own in-memory store. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnTwoInstances {
        RunningGateway a;
        RunningGateway b;

        @BeforeAll
        void start(@TempDir Path dir) {
            a = RunningGateway.start(dir.resolve("a"), yaml("""
                    { max-age-seconds: 600, login-redirect: /app/home, logout-redirect: /signed-out, login-error-redirect: /sign-in }""",
                    "{ type: memory }"));
            b = RunningGateway.start(dir.resolve("b"), yaml("{ }", "{ type: memory }"));
        }

        @AfterAll
        void stop() {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }

        @Test
        void browserFlow_endToEnd() throws Exception {
            // Form login: 303 to the requested local page, the session cookie (HttpOnly) and the CSRF cookie (not).
            HttpResponse<String> login = formLogin(a, "username=alice&password=wonderland&redirect=%2Fapp%2Finbox%3Ftab%3D2");
            assertThat(login.statusCode()).isEqualTo(303);
            assertThat(login.headers().firstValue("location")).hasValue("/app/inbox?tab=2");
            assertThat(login.headers().firstValue("cache-control")).hasValue("no-store");
            Map<String, String> cookies = setCookies(login);
            assertThat(cookies).containsOnlyKeys(COOKIE, CSRF_COOKIE);
            Session alice = new Session(cookieValue(cookies.get(COOKIE)), cookieValue(cookies.get(CSRF_COOKIE)));
            assertThat(alice.token()).isNotEmpty();
            assertThat(alice.csrf()).isNotEmpty().isNotEqualTo(alice.token());
            assertThat(cookies.get(COOKIE)).isEqualTo(COOKIE + "=" + alice.token()
                    + "; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Strict");
            assertThat(cookies.get(CSRF_COOKIE)).isEqualTo(CSRF_COOKIE + "=" + alice.csrf()
                    + "; Path=/; Max-Age=600; Secure; SameSite=Strict");

            // The cookie opens the route; the backend never sees the session cookie, but does see the CSRF one.
            HttpResponse<String> page = withCookies(a, "GET", "/app/inbox", alice.cookieHeader(), null, null);
            assertThat(page.statusCode()).isEqualTo(200);
            TestBackend.Received seen = backend.next();
            assertThat(seen.header("cookie")).isEqualTo("theme=dark; " + CSRF_COOKIE + "=" + alice.csrf())
                    .doesNotContain(alice.token());
            assertThat(seen.header("x-user")).isEqualTo("alice");
            assertThat(seen.header("x-token-id")).isNotEmpty();
            assertThat(seen.header("authorization")).isNull();

            // A state-changing request on the cookie alone is refused, whatever the path looks like.
            for (String path : List.of("/app/items", "/app/x.js")) {
                HttpResponse<String> forged = withCookies(a, "POST", path, alice.cookieHeader(), "application/json",
                        "{\"title\":\"x\"}");
                assertThat(forged.statusCode()).as(path).isEqualTo(403);
                assertThat(error(forged)).as(path).isEqualTo("forbidden");
            }
            assertThat(backend.receivedNothing()).as("refused requests never reach the backend").isTrue();

            // The CSRF token in the header: accepted, and again, and again (it is per session, not per request).
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> posted = withCookies(a, "POST", "/app/items", alice.cookieHeader(),
                        "application/json", "{\"n\":" + i + "}", "X-CSRF-Token", alice.csrf());
                assertThat(posted.statusCode()).as("POST #%d with the CSRF header", i).isEqualTo(200);
                TestBackend.Received received = backend.next();
                assertThat(received.method()).isEqualTo("POST");
                assertThat(received.bodySha256()).isEqualTo(sha256("{\"n\":" + i + "}"));
            }
            // ProxyAuth's header name too.
            assertThat(withCookies(a, "DELETE", "/app/items/1", alice.cookieHeader(), null, null,
                    "X-CSRFToken", alice.csrf()).statusCode()).isEqualTo(200);
            backend.next();

            // The CSRF token as a form field: accepted, and the backend gets the body exactly as sent.
            String form = "title=hello+world&csrf_token=" + java.net.URLEncoder.encode(alice.csrf(),
                    StandardCharsets.UTF_8) + "&note=%C3%A9t%C3%A9&empty=";
            HttpResponse<String> formPost = withCookies(a, "POST", "/app/forms", alice.cookieHeader(),
                    "application/x-www-form-urlencoded", form);
            assertThat(formPost.statusCode()).isEqualTo(200);
            TestBackend.Received formSeen = backend.next();
            assertThat(formSeen.bodyBytes()).isEqualTo(form.getBytes(StandardCharsets.UTF_8).length);
            assertThat(formSeen.bodySha256()).isEqualTo(sha256(form));
            assertThat(formSeen.header("content-type")).isEqualTo("application/x-www-form-urlencoded");

            // Another session's CSRF token is no good for this one, in a header or in a form.
            Session bob = browserLogin(a, "bob", "builder");
            HttpResponse<String> crossed = withCookies(a, "POST", "/app/items", alice.cookieHeader(),
                    "application/json", "{}", "X-CSRF-Token", bob.csrf());
            assertThat(crossed.statusCode()).isEqualTo(403);
            assertThat(error(crossed)).isEqualTo("forbidden");
            HttpResponse<String> crossedForm = withCookies(a, "POST", "/app/forms", alice.cookieHeader(),
                    "application/x-www-form-urlencoded", "csrf_token=" + bob.csrf());
            assertThat(crossedForm.statusCode()).isEqualTo(403);
            assertThat(backend.receivedNothing()).isTrue();

            // Logout with the cookie: both cookies cleared, off to the logout page; the old cookie is now refused.
            HttpResponse<String> logout = withCookies(a, "POST", "/logout", alice.cookieHeader(), null, null);
            assertThat(logout.statusCode()).isEqualTo(303);
            assertThat(logout.headers().firstValue("location")).hasValue("/signed-out");
            Map<String, String> cleared = setCookies(logout);
            assertThat(cleared.get(COOKIE)).isEqualTo(COOKIE + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
            assertThat(cleared.get(CSRF_COOKIE)).isEqualTo(CSRF_COOKIE + "=; Path=/; Max-Age=0; Secure; SameSite=Strict");
            HttpResponse<String> after = withCookies(a, "GET", "/app/inbox", alice.cookieHeader(), null, null);
            assertThat(after.statusCode()).isEqualTo(401);
            assertThat(error(after)).isEqualTo("invalid_token");
            HttpResponse<String> afterPost = withCookies(a, "POST", "/app/items", alice.cookieHeader(),
                    "application/json", "{}", "X-CSRF-Token", alice.csrf());
            assertThat(afterPost.statusCode()).isEqualTo(401);
            assertThat(backend.receivedNothing()).isTrue();

            // Bob's session is untouched by Alice's logout.
            assertThat(withCookies(a, "GET", "/app/inbox", bob.cookieHeader(), null, null).statusCode()).isEqualTo(200);
            backend.next();
        }

        @Test
        void loginOnOneInstance_cookieAndCsrfTokenWorkOnTheOther() throws Exception {
            Session alice = browserLogin(a, "alice", "wonderland");

            HttpResponse<String> page = withCookies(b, "GET", "/app/page", alice.cookieHeader(), null, null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(backend.next().header("x-user")).isEqualTo("alice");
            HttpResponse<String> posted = withCookies(b, "POST", "/app/items", alice.cookieHeader(),
                    "application/json", "{}", "X-CSRF-Token", alice.csrf());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            backend.next();
            HttpResponse<String> form = withCookies(b, "POST", "/app/forms", alice.cookieHeader(),
                    "application/x-www-form-urlencoded", "a=1&csrf_token=" + alice.csrf());
            assertThat(form.statusCode()).isEqualTo(200);
            backend.next();

            // B still insists on the token.
            HttpResponse<String> forged = withCookies(b, "POST", "/app/items", alice.cookieHeader(),
                    "application/json", "{}");
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(error(forged)).isEqualTo("forbidden");
            assertThat(backend.receivedNothing()).isTrue();
        }

        @Test
        void bearerTokens_needNoCsrfToken_andARouteMayOptOut() throws Exception {
            String token = a.login("alice", "wonderland");
            assertThat(a.postJson("/app/items", "{}", token).statusCode()).isEqualTo(200);
            assertThat(backend.next().header("x-user")).isEqualTo("alice");

            Session alice = browserLogin(a, "alice", "wonderland");
            HttpResponse<String> hook = withCookies(a, "POST", "/hooks/build", alice.cookieHeader(),
                    "application/json", "{}");
            assertThat(hook.statusCode()).as("csrf: false on the route").isEqualTo(200);
            backend.next();
        }

        @Test
        void jsonLogin_isUnchanged_noCookies() throws Exception {
            HttpResponse<String> response = a.postJson("/auth",
                    "{\"username\":\"alice\",\"password\":\"wonderland\"}", null);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().allValues("set-cookie")).isEmpty();
            JsonNode body = RunningGateway.json(response);
            assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
            assertThat(body.get("token").asText()).isNotEmpty();
        }

        @Test
        void formLoginRefusals() throws Exception {
            // With login-error-redirect: a wrong password sends the browser back to the sign-in page, no cookie.
            HttpResponse<String> wrong = formLogin(a, "username=alice&password=nope");
            assertThat(wrong.statusCode()).isEqualTo(303);
            assertThat(wrong.headers().firstValue("location")).hasValue("/sign-in?error=invalid_credentials");
            assertThat(wrong.headers().allValues("set-cookie")).isEmpty();

            // Without one: the JSON refusal.
            HttpResponse<String> wrongOnB = formLogin(b, "username=alice&password=nope");
            assertThat(wrongOnB.statusCode()).isEqualTo(401);
            assertThat(error(wrongOnB)).isEqualTo("invalid_credentials");
            assertThat(wrongOnB.headers().allValues("set-cookie")).isEmpty();

            // An open redirect is refused before anything else.
            HttpResponse<String> open = formLogin(b, "username=alice&password=wonderland&redirect=%2F%2Fevil.example");
            assertThat(open.statusCode()).isEqualTo(400);
            assertThat(error(open)).isEqualTo("invalid_redirect");
            assertThat(open.headers().allValues("set-cookie")).isEmpty();

            // Login CSRF: a form posted from another site is refused.
            HttpResponse<String> crossSite = formLogin(b, "username=alice&password=wonderland",
                    "Sec-Fetch-Site", "cross-site");
            assertThat(crossSite.statusCode()).isEqualTo(403);
            assertThat(crossSite.headers().allValues("set-cookie")).isEmpty();

            // Defaults: the login redirect is /.
            HttpResponse<String> ok = formLogin(b, "username=alice&password=wonderland", "Sec-Fetch-Site", "same-origin");
            assertThat(ok.statusCode()).isEqualTo(303);
            assertThat(ok.headers().firstValue("location")).hasValue("/");
        }

        @Test
        void getLogout_withoutLogoutRedirect_is204_andRevokes() throws Exception {
            Session alice = browserLogin(b, "alice", "wonderland");
            assertThat(withCookies(b, "GET", "/app/x", alice.cookieHeader(), null, null).statusCode()).isEqualTo(200);
            backend.next();

            HttpResponse<String> logout = withCookies(b, "GET", "/logout", alice.cookieHeader(), null, null);

            assertThat(logout.statusCode()).isEqualTo(204);
            assertThat(setCookies(logout)).containsOnlyKeys(COOKIE, CSRF_COOKIE)
                    .allSatisfy((name, value) -> assertThat(value).contains("Max-Age=0"));
            assertThat(withCookies(b, "GET", "/app/x", alice.cookieHeader(), null, null).statusCode()).isEqualTo(401);
            assertThat(backend.receivedNothing()).isTrue();
        }
    }

    /** TOTP on the embedded store (DynamoDB Local in-process): the spent step outlives a restart. */
    @Nested
    class Totp2fa {
        private final Totp totp = new Totp(TotpAlgorithm.SHA1, 6);

        private HttpResponse<String> login(RunningGateway gateway, Optional<String> code) throws Exception {
            return gateway.postJson("/auth", "{\"username\":\"alice\",\"password\":\"wonderland\""
                    + code.map(c -> ",\"totp_code\":\"" + c + "\"").orElse("") + "}", null);
        }

        @Test
        void enrolConfirmLogin_aCodeCountsOnce_evenAcrossARestart(@TempDir Path dir) throws Exception {
            Path data = dir.resolve("state");
            Path config = RunningGateway.configFile(dir, """
                    users: [ { username: alice, password: wonderland } ]
                    store: { type: embedded, data-dir: "%s" }
                    rate-limits: { auth: { requests-per-second: 1000, burst: 1000 } }
                    totp: { issuer: Portcullis }
                    routes: [ { prefix: /app, target: "http://127.0.0.1:%d" } ]
                    """.formatted(data.toString().replace("\\", "/"), backend.port()));
            String secret;
            long step;
            try (RunningGateway gateway = RunningGateway.startFrom(config)) {
                String token = gateway.login("alice", "wonderland");

                HttpResponse<String> enrol = gateway.postJson("/auth/totp/enrol", "", token);
                assertThat(enrol.statusCode()).as(enrol.body()).isEqualTo(200);
                assertThat(enrol.headers().firstValue("cache-control")).hasValue("no-store");
                URI uri = URI.create(RunningGateway.json(enrol).get("otpauth_uri").asText());
                assertThat(uri.getScheme()).isEqualTo("otpauth");
                assertThat(uri.getHost()).isEqualTo("totp");
                assertThat(uri.getPath()).isEqualTo("/Portcullis:alice");
                Map<String, String> query = query(uri);
                assertThat(query).containsEntry("issuer", "Portcullis").containsEntry("algorithm", "SHA1")
                        .containsEntry("digits", "6").containsEntry("period", "30").containsKey("secret");
                secret = query.get("secret");
                assertThat(Base32.decode(secret).length).isGreaterThanOrEqualTo(16);

                // Pending, not yet confirmed: logins do not need a code.
                assertThat(login(gateway, Optional.empty()).statusCode()).isEqualTo(200);

                step = Totp.step(Instant.now());
                HttpResponse<String> confirm = gateway.postJson("/auth/totp/confirm",
                        "{\"code\":\"" + code(secret, step) + "\"}", token);
                assertThat(confirm.statusCode()).as(confirm.body()).isEqualTo(204);

                HttpResponse<String> noCode = login(gateway, Optional.empty());
                assertThat(noCode.statusCode()).isEqualTo(401);
                assertThat(error(noCode)).isEqualTo("totp_required");

                HttpResponse<String> wrongCode = login(gateway, Optional.of(wrong(secret, step)));
                assertThat(wrongCode.statusCode()).isEqualTo(401);
                assertThat(error(wrongCode)).isEqualTo("invalid_credentials");

                // The code of the step confirmation spent is spent for logins too.
                HttpResponse<String> confirmCode = login(gateway, Optional.of(code(secret, step)));
                assertThat(confirmCode.statusCode()).isEqualTo(401);
                assertThat(error(confirmCode)).isEqualTo("invalid_credentials");

                HttpResponse<String> withCode = login(gateway, Optional.of(code(secret, step + 1)));
                assertThat(withCode.statusCode()).as(withCode.body()).isEqualTo(200);
                assertThat(RunningGateway.json(withCode).get("token").asText()).isNotEmpty();

                HttpResponse<String> replayed = login(gateway, Optional.of(code(secret, step + 1)));
                assertThat(replayed.statusCode()).isEqualTo(401);
                assertThat(error(replayed)).isEqualTo("invalid_credentials");

                // Replacing the factor needs a code from the current one.
                HttpResponse<String> reEnrol = gateway.postJson("/auth/totp/enrol", "", token);
                assertThat(reEnrol.statusCode()).isEqualTo(400);
                assertThat(error(reEnrol)).isEqualTo("code_required");
            }

            try (RunningGateway restarted = RunningGateway.startFrom(config)) {
                HttpResponse<String> noCode = login(restarted, Optional.empty());
                assertThat(noCode.statusCode()).as("still enrolled after the restart").isEqualTo(401);
                assertThat(error(noCode)).isEqualTo("totp_required");

                HttpResponse<String> replayed = login(restarted, Optional.of(code(secret, step + 1)));
                assertThat(replayed.statusCode()).as("the spent code is still spent").isEqualTo(401);
                assertThat(error(replayed)).isEqualTo("invalid_credentials");
            }

            // What made the restarted server refuse it: the spent step is in the users table, with the secret.
            AmazonDynamoDBLocal local = DynamoDBEmbedded.create(data.resolve("portcullis.db").toFile(), true);
            try {
                Map<String, AttributeValue> item = local.dynamoDbClient().getItem(b -> b
                        .tableName(TableNames.withPrefix("portcullis-").users())
                        .key(Map.of("username", AttributeValue.fromS("alice"))).consistentRead(true)).item();
                assertThat(item.get("totp_step").n()).isEqualTo(Long.toString(step + 1));
                assertThat(item.get("totp_secret").s()).isEqualTo(secret);
                assertThat(item).doesNotContainKey("totp_pending");
            } finally {
                local.shutdown();
            }
        }

        private String code(String secret, long step) {
            return totp.code(Base32.decode(secret), step);
        }

        /** A six-digit code that belongs to none of the steps around {@code step}. */
        private String wrong(String secret, long step) {
            List<String> near = List.of(code(secret, step - 1), code(secret, step), code(secret, step + 1),
                    code(secret, step + 2));
            int candidate = Integer.parseInt(near.get(1));
            String wrong;
            do {
                candidate = (candidate + 1) % 1_000_000;
                wrong = String.format("%06d", candidate);
            } while (near.contains(wrong));
            return wrong;
        }

        private static Map<String, String> query(URI uri) {
            Map<String, String> query = new LinkedHashMap<>();
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return query;
        }
    }
}
