package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.core.totp.Base32;
import io.portcullis.core.totp.Totp;
import io.portcullis.core.totp.TotpAlgorithm;
import io.portcullis.infra.dynamodb.LocalDynamo;
import io.portcullis.infra.dynamodb.TableNames;
import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Browser sessions and TOTP in the token function, on DynamoDB Local as a deployment runs them: the payload 2.0
 * answer carries the session cookies in {@code cookies} (API Gateway's only way to set several), a TOTP user's code
 * counts once, and every DynamoDB call the function makes is one {@link FunctionPermissions} grants it.
 */
class TokenFunctionBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COOKIE = "__Host-portcullis";
    private static final String CSRF_COOKIE = COOKIE + "-csrf";
    /** 160 bits, provisioned in the config ({@code totp-secret}). */
    private static final String CAROL_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static final Totp TOTP = new Totp(TotpAlgorithm.SHA1, 6);

    @TempDir
    static Path dir;
    static LocalDynamo.HttpServer dynamo;
    static RecordingDynamoProxy proxy;
    static HttpServer backend;
    static final BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
        proxy = new RecordingDynamoProxy(dynamo.endpoint());
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join("|", v)));
            headers.put(":body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.add(headers);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        backend.start();
    }

    @AfterAll
    static void stop() {
        backend.stop(0);
        proxy.close();
        dynamo.close();
    }

    /** The three functions on fresh tables, their DynamoDB calls going through the recording proxy. */
    private record Deployment(LambdaFunctions functions, TableNames tables, String yaml) {
        APIGatewayV2HTTPResponse token(APIGatewayV2HTTPEvent event) {
            return functions.token(event);
        }
    }

    private static Deployment deploy() {
        return deploy("ttl-seconds: 3600", "");
    }

    /** @param tokenSettings the tokens section besides its key; @param more more YAML (a section of its own) */
    private static Deployment deploy(String tokenSettings, String more) {
        TableNames tables = LocalDynamo.freshTables(dynamo.client(Duration.ofSeconds(20)));
        String prefix = tables.users().substring(0, tables.users().length() - "users".length());
        String yaml = """
                users:
                  - { username: alice, password: "%s", roles: [admin] }
                  - { username: carol, password: "%s", totp-secret: %s }
                store: { type: dynamodb, endpoint: "%s", region: us-east-1, table-prefix: %s, timeout: 10s }
                rate-limits: { proxy: { requests-per-second: 1000, burst: 1000 }, auth: { requests-per-second: 1000, burst: 1000 } }
                browser: { login-redirect: /app/home }
                routes:
                  - { prefix: /app, target: "http://127.0.0.1:%d", identity-assertion: %s }
                """.formatted(Hashes.of("wonderland"), Hashes.of("caroline"), CAROL_SECRET, proxy.endpoint(), prefix,
                backend.getAddress().getPort(), !more.isEmpty()) + more;
        return new Deployment(new LambdaFunctions(tokenSettings, yaml), tables, yaml);
    }

    private static APIGatewayV2HTTPEvent form(String path, String body) {
        return Events.httpApi("POST", path, Map.of("content-type", "application/x-www-form-urlencoded"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static APIGatewayV2HTTPEvent json(String path, String body, String token) {
        Map<String, String> headers = new HashMap<>(Map.of("content-type", "application/json"));
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        return Events.httpApi("POST", path, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static APIGatewayV2HTTPEvent admin(String method, String path, String body, String token) {
        Map<String, String> headers = new HashMap<>(Map.of("authorization", "Bearer " + token));
        if (body != null) {
            headers.put("content-type", "application/json");
        }
        return Events.httpApi(method, path, headers, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    private static String jsonLogin(Deployment deployment, String username, String password, Optional<String> code)
            throws Exception {
        APIGatewayV2HTTPResponse response = deployment.token(json("/auth", "{\"username\":\"" + username
                + "\",\"password\":\"" + password + "\"" + code.map(c -> ",\"totp_code\":\"" + c + "\"").orElse("")
                + "}", null));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return JSON.readTree(response.getBody()).get("token").asText();
    }

    private static String error(APIGatewayV2HTTPResponse response) throws Exception {
        return JSON.readTree(response.getBody()).get("error").asText();
    }

    private static Map<String, String> cookiesByName(APIGatewayV2HTTPResponse response) {
        Map<String, String> byName = new TreeMap<>();
        for (String cookie : Optional.ofNullable(response.getCookies()).orElse(List.of())) {
            byName.put(cookie.substring(0, cookie.indexOf('=')), cookie);
        }
        return byName;
    }

    private static String value(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    private static String code(long step) {
        return TOTP.code(Base32.decode(CAROL_SECRET), step);
    }

    @Test
    void formLogin_is303_withBothCookiesInTheCookiesField_andTheCookieOpensTheRoutes() throws Exception {
        Deployment deployment = deploy();

        APIGatewayV2HTTPResponse response = deployment.token(form("/auth",
                "username=alice&password=wonderland&redirect=%2Fapp%2Finbox"));

        assertThat(response.getStatusCode()).isEqualTo(303);
        assertThat(response.getHeaders()).containsEntry("Location", "/app/inbox");
        assertThat(response.getHeaders().keySet()).noneMatch(name -> name.equalsIgnoreCase("set-cookie"));
        assertThat(response.getMultiValueHeaders()).isNullOrEmpty();
        Map<String, String> cookies = cookiesByName(response);
        assertThat(cookies).containsOnlyKeys(COOKIE, CSRF_COOKIE);
        assertThat(cookies.get(COOKIE)).matches(COOKIE + "=[^;]+; Path=/; Max-Age=\\d+; HttpOnly; Secure; SameSite=Strict");
        assertThat(cookies.get(CSRF_COOKIE)).matches(CSRF_COOKIE + "=[^;]+; Path=/; Max-Age=\\d+; Secure; SameSite=Strict");
        // On the wire, as the runtime hands it to API Gateway: a "cookies" array, not a header.
        JsonNode wire = JSON.readTree(Events.write(APIGatewayV2HTTPResponse.class, response));
        assertThat(wire.get("statusCode").asInt()).isEqualTo(303);
        assertThat(wire.get("cookies")).hasSize(2);
        assertThat(wire.get("headers").properties()).noneMatch(e -> e.getKey().equalsIgnoreCase("set-cookie"));

        // The cookies come back in the event's "cookies"; the forwarder takes the session cookie as the token,
        // keeps it from the backend, and wants the CSRF token for a POST.
        String session = COOKIE + "=" + value(cookies.get(COOKIE));
        String csrf = CSRF_COOKIE + "=" + value(cookies.get(CSRF_COOKIE));
        APIGatewayV2HTTPResponse page = deployment.functions().forward(Events.httpApiWithCookies(
                "GET", "/app/inbox", Map.of(), List.of("theme=dark", session, csrf)));
        assertThat(page.getStatusCode()).isEqualTo(200);
        Map<String, String> upstream = received.poll(5, TimeUnit.SECONDS);
        assertThat(upstream).containsEntry("x-user", "alice").containsEntry("cookie", "theme=dark; " + csrf);
        APIGatewayV2HTTPResponse forged = deployment.functions().forward(Events.httpApiWithCookies(
                "POST", "/app/items", Map.of(), List.of(session, csrf)));
        assertThat(forged.getStatusCode()).isEqualTo(403);
        assertThat(received).isEmpty();

        // GET /logout (API Gateway routes it to the token function): both cookies cleared, the token revoked.
        APIGatewayV2HTTPResponse logout = deployment.token(Events.httpApiWithCookies("GET", "/logout", Map.of(),
                List.of(session, csrf)));
        assertThat(logout.getStatusCode()).isEqualTo(204);
        assertThat(cookiesByName(logout).values()).hasSize(2).allMatch(cookie -> cookie.contains("; Max-Age=0;"));
        APIGatewayV2HTTPResponse after = deployment.functions().forward(Events.httpApiWithCookies(
                "GET", "/app/inbox", Map.of(), List.of(session)));
        assertThat(after.getStatusCode()).isEqualTo(401);
        assertThat(received).isEmpty();
    }

    @Test
    void totpUser_needsACode_andEachCodeCountsOnce() throws Exception {
        Deployment deployment = deploy();
        long step = Totp.step(Instant.now());

        APIGatewayV2HTTPResponse noCode = deployment.token(json("/auth",
                "{\"username\":\"carol\",\"password\":\"caroline\"}", null));
        assertThat(noCode.getStatusCode()).isEqualTo(401);
        assertThat(error(noCode)).isEqualTo("totp_required");

        jsonLogin(deployment, "carol", "caroline", Optional.of(code(step)));

        APIGatewayV2HTTPResponse replayed = deployment.token(json("/auth",
                "{\"username\":\"carol\",\"password\":\"caroline\",\"totp_code\":\"" + code(step) + "\"}", null));
        assertThat(replayed.getStatusCode()).isEqualTo(401);
        assertThat(error(replayed)).isEqualTo("invalid_credentials");

        // A browser sends the code as a form field; the next step's code is good once, then refused as well.
        APIGatewayV2HTTPResponse browser = deployment.token(form("/auth",
                "username=carol&password=caroline&totp_code=" + code(step + 1)));
        assertThat(browser.getStatusCode()).isEqualTo(303);
        assertThat(cookiesByName(browser)).containsOnlyKeys(COOKIE, CSRF_COOKIE);
        APIGatewayV2HTTPResponse browserReplayed = deployment.token(form("/auth",
                "username=carol&password=caroline&totp_code=" + code(step + 1)));
        assertThat(browserReplayed.getStatusCode()).isEqualTo(401);
        assertThat(error(browserReplayed)).isEqualTo("invalid_credentials");
        assertThat(browserReplayed.getCookies()).isNullOrEmpty();

        // A cold start of another instance (it writes the configured users again) keeps the spent step.
        LambdaFunctions another = new LambdaFunctions(deployment.yaml());
        APIGatewayV2HTTPResponse elsewhere = another.token(json("/auth",
                "{\"username\":\"carol\",\"password\":\"caroline\",\"totp_code\":\"" + code(step + 1) + "\"}", null));
        assertThat(elsewhere.getStatusCode()).isEqualTo(401);
        assertThat(error(elsewhere)).isEqualTo("invalid_credentials");
    }

    @Test
    void everyDynamoDbCallOfTheTokenFunction_isOneFunctionPermissionsGrants() throws Exception {
        Deployment deployment = deploy(REFRESH, ASSERTIONS);

        // A cold start (configured users written), logins of both kinds, TOTP enrolment, a TOTP login,
        // revocations of every kind, the admin API.
        String alice = jsonLogin(deployment, "alice", "wonderland", Optional.empty());
        assertThat(deployment.token(form("/auth", "username=alice&password=wonderland")).getStatusCode())
                .isEqualTo(303);
        APIGatewayV2HTTPResponse enrol = deployment.token(json("/auth/totp/enrol", "", alice));
        assertThat(enrol.getStatusCode()).as(enrol.getBody()).isEqualTo(200);
        String secret = secretOf(JSON.readTree(enrol.getBody()).get("otpauth_uri").asText());
        long step = Totp.step(Instant.now());
        APIGatewayV2HTTPResponse confirm = deployment.token(json("/auth/totp/confirm",
                "{\"code\":\"" + TOTP.code(Base32.decode(secret), step) + "\"}", alice));
        assertThat(confirm.getStatusCode()).as(confirm.getBody()).isEqualTo(204);
        String again = jsonLogin(deployment, "alice", "wonderland",
                Optional.of(TOTP.code(Base32.decode(secret), step + 1)));
        assertThat(deployment.token(json("/admin/revoke", "{\"user\":\"carol\"}", again)).getStatusCode())
                .isEqualTo(204);
        // The admin API's user management: add, list, remove.
        APIGatewayV2HTTPResponse added = deployment.token(admin("PUT", "/admin/users/dave",
                "{\"password_hash\":\"" + Hashes.of("d4ve") + "\",\"roles\":[\"dev\"]}", again));
        assertThat(added.getStatusCode()).as(added.getBody()).isEqualTo(201);
        APIGatewayV2HTTPResponse listed = deployment.token(admin("GET", "/admin/users", null, again));
        assertThat(listed.getBody()).contains("\"dave\"");
        assertThat(deployment.token(admin("DELETE", "/admin/users/dave", null, again)).getStatusCode())
                .isEqualTo(200);
        // Refresh tokens: a login started a family; a refresh rotates it; the logouts below end families.
        APIGatewayV2HTTPResponse refreshed = deployment.token(json("/auth/refresh", "{\"refresh_token\":\""
                + refreshTokenOf(deployment, "carol", "caroline", Optional.of(code(Totp.step(Instant.now()))))
                + "\"}", null));
        assertThat(refreshed.getStatusCode()).as(refreshed.getBody()).isEqualTo(200);
        // The identity assertions' JWKS: the first generated key is made and listed.
        APIGatewayV2HTTPResponse jwks = deployment.token(Events.httpApi("GET", "/.well-known/jwks.json", Map.of(),
                new byte[0]));
        assertThat(jwks.getStatusCode()).isEqualTo(200);
        assertThat(deployment.token(json("/auth/revoke", "", alice)).getStatusCode()).isEqualTo(204);
        assertThat(deployment.token(json("/logout", "", again)).getStatusCode()).isEqualTo(204);

        assertCallsAreGranted(deployment, "token", true);
    }

    /**
     * The forwarder, as its own execution environment after a browser logged in through the token function: a
     * lapsed session renewed from the refresh cookie, a request signed with an identity assertion, and a reused
     * refresh cookie revoking its login. Every call is one its role grants (sessions are not exercised here).
     */
    @Test
    void everyDynamoDbCallOfTheForwarder_forRefreshAndAssertions_isOneFunctionPermissionsGrants() throws Exception {
        Deployment deployment = deploy(REFRESH, ASSERTIONS);
        Map<String, String> cookies = cookiesByName(deployment.token(form("/auth",
                "username=alice&password=wonderland")));
        String refreshCookie = COOKIE + "-refresh=" + value(cookies.get(COOKIE + "-refresh"));
        LambdaFunctions forwarderEnvironment = new LambdaFunctions(REFRESH, deployment.yaml(), false);
        proxy.clear();

        APIGatewayV2HTTPResponse renewal = forwarderEnvironment.forward(Events.httpApiWithCookies("GET",
                "/app/page", Map.of(), List.of(refreshCookie)));
        assertThat(renewal.getStatusCode()).as(renewal.getBody()).isEqualTo(307);
        String session = COOKIE + "=" + value(cookiesByName(renewal).get(COOKIE));
        APIGatewayV2HTTPResponse signed = forwarderEnvironment.forward(Events.httpApiWithCookies("GET",
                "/app/page", Map.of(), List.of(session)));
        assertThat(signed.getStatusCode()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS)).containsKey("x-portcullis-assertion");
        APIGatewayV2HTTPResponse reuse = forwarderEnvironment.forward(Events.httpApiWithCookies("GET",
                "/app/page", Map.of(), List.of(refreshCookie)));
        assertThat(reuse.getStatusCode()).isEqualTo(401);

        assertCallsAreGranted(deployment, "forwarder", false);
        assertThat(proxy.actionsByTable().get(deployment.tables().refreshTokens())).contains("UpdateItem");
        assertThat(proxy.actionsByTable().get(deployment.tables().signingKeys())).contains("Scan", "PutItem");
        assertThat(proxy.actionsByTable().get(deployment.tables().revocations())).contains("PutItem");
    }

    private static final String REFRESH = "ttl-seconds: 3600, refresh-ttl: 8h, refresh-reuse-interval: 0s";
    private static final String ASSERTIONS = "identity-assertions: {}\n";

    private static String refreshTokenOf(Deployment deployment, String username, String password,
            Optional<String> code) throws Exception {
        APIGatewayV2HTTPResponse response = deployment.token(json("/auth", "{\"username\":\"" + username
                + "\",\"password\":\"" + password + "\"" + code.map(c -> ",\"totp_code\":\"" + c + "\"").orElse("")
                + "}", null));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return JSON.readTree(response.getBody()).get("refresh_token").asText();
    }

    /** The DynamoDB calls recorded, by table role: exactly (or at least within) what the function's role grants. */
    private void assertCallsAreGranted(Deployment deployment, String function, boolean exactly) throws Exception {
        Map<String, String> roleByTable = new HashMap<>();
        for (RecordComponent component : TableNames.class.getRecordComponents()) {
            roleByTable.put((String) component.getAccessor().invoke(deployment.tables()), component.getName());
        }
        Map<String, Set<String>> called = new TreeMap<>();
        proxy.actionsByTable().forEach((table, actions) -> {
            if (roleByTable.containsKey(table)) {
                called.put(roleByTable.get(table), actions);
            }
        });
        assertThat(proxy.actionsByTable()).doesNotContainKey(RecordingDynamoProxy.NO_TABLE);
        Map<String, Set<String>> granted = new TreeMap<>();
        FunctionPermissions.DYNAMODB.get(function).forEach((role, actions) -> granted.put(role, new TreeSet<>(actions)));
        if (exactly) {
            assertThat(called).as("DynamoDB actions the %s function called, by table (FunctionPermissions.DYNAMODB)",
                    function).isEqualTo(granted);
        } else {
            called.forEach((role, actions) -> assertThat(granted.getOrDefault(role, Set.of()))
                    .as("DynamoDB actions the %s function called on %s (FunctionPermissions.DYNAMODB)", function, role)
                    .containsAll(actions));
        }
    }

    private static String secretOf(String otpauthUri) {
        for (String pair : URI.create(otpauthUri).getRawQuery().split("&")) {
            if (pair.startsWith("secret=")) {
                return URLDecoder.decode(pair.substring("secret=".length()), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no secret in " + otpauthUri);
    }
}
