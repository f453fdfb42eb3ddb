package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.Fixtures;
import io.portcullis.core.config.ConfigException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server started from ProxyAuth's own files, laid out as ProxyAuth lays them out ({@code config/config.json},
 * {@code config/routes.yml}, {@code certs/cert.pem} and {@code key.pem}), serving HTTPS as ProxyAuth does by
 * default, in front of a real backend.
 */
class ProxyAuthServerTest {
    private static final String ADMIN = "0123456789abcdef".repeat(4);

    @TempDir
    static Path dir;
    static TestBackend backend;
    static PortcullisServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        Path config = Files.createDirectories(dir.resolve("proxyauth/config"));
        Path certs = Files.createDirectories(dir.resolve("proxyauth/certs"));
        TestCertificates ca = new TestCertificates("test CA");
        TestCertificates.Issued serverCert = ca.issue("localhost");
        serverCert.writePem(certs, "cert");
        Files.move(certs.resolve("cert-key.pem"), certs.resolve("key.pem"));
        Fixtures.write(config, "config.json", """
                {
                  "token_expiry_seconds": 3600,
                  "secret": "%s",
                  "users": [ { "username": "admin", "password": "admin123", "roles": ["admin", "ops"] },
                             { "username": "carol", "password": "carol123" } ],
                  "log": { "type": "local" },
                  "token_admin": "%s",
                  "host": "127.0.0.1",
                  "port": 0,
                  "ratelimit_auth": { "requests_per_second": 100, "burst": 100, "block_delay": 0 },
                  "ratelimit_proxy": { "requests_per_second": 1, "burst": 5, "block_delay": 0 },
                  "stats": true,
                  "timezone": "UTC",
                  "cors_origins": ["https://app.example"],
                  "worker": 4,
                  "num_instances": 2,
                  "max_idle_per_host": 50,
                  "login_via_otp": false,
                  "max_connections": 50000,
                  "pending_connections_limit": 65535,
                  "socket_listen": 1024,
                  "client_timeout": 5000,
                  "keep_alive": 5000,
                  "session_cookie": false,
                  "max_age_session_cookie": 3600,
                  "login_redirect_url": "/",
                  "logout_redirect_url": "/bye",
                  "tls": true,
                  "csrf_token": true,
                  "fast": false
                }
                """.formatted(Fixtures.SECRET, ADMIN));
        Fixtures.write(config, "routes.yml", """
                routes:
                  - { prefix: /app, target: "http://127.0.0.1:%1$d/base", secure: true, username: [admin, carol],
                      need_csrf: true, cache: true, secure_path: false, preserve_prefix: false, proxy: false,
                      proxy_config: "", cert: {}, backends: [], allow_methods: ["*"],
                      filters: { default_allow: true, allow: [] } }
                  - { prefix: /open, target: "127.0.0.1:%1$d", secure: false }
                  - { prefix: /ops, target: "http://127.0.0.1:%1$d", secure: true, username: [admin] }
                  - { prefix: /unmarked, target: "http://127.0.0.1:%1$d" }
                """.formatted(backend.port()));
        server = PortcullisServer.startProxyAuth(config.resolve("config.json"), config.resolve("routes.yml"),
                Map.of("PASSWORDS_ARGON2_MEMORY_dash_KIB", "64", "PASSWORDS_ARGON2_ITERATIONS", "1",
                        "STORE_TYPE", "memory"));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.ca);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trustManagers.getTrustManagers(), null);
        client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        backend.close();
    }

    @Test
    void login_answersInProxyAuthsShape_andTheTokenOpensTheRoute() throws Exception {
        HttpResponse<String> login = post("/auth", "{\"username\":\"admin\",\"password\":\"admin123\"}");
        assertThat(login.statusCode()).isEqualTo(200);
        JsonNode body = RunningGateway.json(login);
        assertThat(body.get("expires_at").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+00:00");

        HttpResponse<String> proxied = client.send(request("/app/items?x=1")
                .header("Authorization", "Bearer " + body.get("token").asText()).header("X-User", "mallory").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(proxied.statusCode()).isEqualTo(200);
        TestBackend.Received received = backend.next();
        assertThat(received.path()).isEqualTo("/base/items");
        assertThat(received.headers().get("x-user")).containsExactly("admin");
        assertThat(received.header("x-user-roles")).isEqualTo("admin,ops");
        assertThat(received.header("x-forwarded-proto")).isEqualTo("https");
    }

    @Test
    void publicRoute_withATargetWithoutScheme_needsNoToken() throws Exception {
        HttpResponse<String> response = client.send(request("/open/page").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from /page");
        backend.next();
    }

    @Test
    void wrongPassword_is401InJson() throws Exception {
        HttpResponse<String> login = post("/auth", "{\"username\":\"admin\",\"password\":\"nope\"}");
        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(RunningGateway.json(login).get("error").asText()).isEqualTo("invalid_credentials");
    }

    @Test
    void admRevoke_withTheAdminToken_logsTheTokenOut() throws Exception {
        String token = RunningGateway.json(post("/auth", "{\"username\":\"admin\",\"password\":\"admin123\"}"))
                .get("token").asText();
        client.send(request("/app/x").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> stats = client.send(request("/adm/stats").header("X-Auth-Token", ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
        String tokenId = backend.next().header("x-token-id");
        assertThat(stats.body()).contains(tokenId);

        HttpResponse<String> revoke = client.send(request("/adm/revoke").header("X-Auth-Token", ADMIN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token_id\":\"" + tokenId + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoke.statusCode()).isEqualTo(200);
        assertThat(client.send(request("/app/x").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void corsPreflight_fromTheAllowedOrigin_isAnsweredByTheGateway() throws Exception {
        HttpResponse<String> preflight = client.send(request("/app/x")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).contains("authorization");
        assertThat(backend.receivedNothing()).isTrue();

        HttpResponse<String> login = client.send(request("/auth").header("Origin", "https://app.example")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"admin123\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
        HttpResponse<String> foreign = client.send(request("/app/x")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(401);
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void rateLimited_answersProxyAuthsJson() throws Exception {
        String token = RunningGateway.json(post("/auth", "{\"username\":\"carol\",\"password\":\"carol123\"}"))
                .get("token").asText();
        HttpResponse<String> last = null;
        for (int i = 0; i < 10 && (last == null || last.statusCode() != 429); i++) {
            last = client.send(request("/app/x").header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(RunningGateway.json(last).get("error").asText()).isEqualTo("TooManyRequests");
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        while (!backend.receivedNothing()) {
            backend.next();
        }
    }

    @Test
    void refusedFiles_stopStartupNamingTheKey() {
        Path config = dir.resolve("proxyauth/config");
        Path bad = Fixtures.write(config, "bad.json", "{\"token_expiry_seconds\": 60, \"secret\": \"%s\", "
                .formatted(Fixtures.SECRET) + "\"users\": [], \"tls\": false, \"session_cookies\": true}");
        assertThatThrownBy(() -> PortcullisServer.startProxyAuth(bad, config.resolve("routes.yml"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("config.json: session_cookies: unknown key");
    }

    // The deliberate differences the README's migration section lists, each as it says.

    @Test
    void difference_aUserTheRouteDoesNotList_gets403InJson_where_ProxyAuth_answers401() throws Exception {
        String carol = RunningGateway.json(post("/auth", "{\"username\":\"carol\",\"password\":\"carol123\"}"))
                .get("token").asText();
        HttpResponse<String> refused = client.send(request("/ops/x").header("Authorization", "Bearer " + carol).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(RunningGateway.json(refused).get("error").asText()).isNotEmpty();
        assertThat(backend.receivedNothing()).isTrue();
    }

    @Test
    void difference_aRouteWithoutSecure_needsAToken_where_ProxyAuth_letsAnyoneThrough() throws Exception {
        HttpResponse<String> refused = client.send(request("/unmarked/x").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(backend.receivedNothing()).isTrue();
    }

    @Test
    void difference_rateLimitHeaders_areRateLimitStar_notXRateLimit() throws Exception {
        HttpResponse<String> login = post("/auth", "{\"username\":\"admin\",\"password\":\"admin123\"}");
        assertThat(login.headers().firstValue("RateLimit-Limit")).isPresent();
        assertThat(login.headers().firstValue("RateLimit-Remaining")).isPresent();
        assertThat(login.headers().map().keySet()).noneSatisfy(name -> assertThat(name).startsWithIgnoringCase("x-ratelimit"));
    }

    @Test
    void difference_admRevoke_aFutureExpRevokesAtOnce_aPastExpIs400() throws Exception {
        String token = RunningGateway.json(post("/auth", "{\"username\":\"admin\",\"password\":\"admin123\"}"))
                .get("token").asText();
        client.send(request("/app/x").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        String tokenId = backend.next().header("x-token-id");
        long now = java.time.Instant.now().getEpochSecond();

        HttpResponse<String> past = revoke("{\"token_id\":\"" + tokenId + "\",\"exp\":" + (now - 60) + "}");
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(RunningGateway.json(past).get("error").asText()).isEqualTo("invalid_request");
        HttpResponse<String> future = revoke("{\"token_id\":\"" + tokenId + "\",\"exp\":" + (now + 600) + "}");
        assertThat(future.body()).isEqualTo("Token revoked with expiration.");
        assertThat(client.send(request("/app/x").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("revoked at once").isEqualTo(401);
    }

    @Test
    void difference_aTrailingSlash_isKept_where_ProxyAuth_stripsIt() throws Exception {
        String token = RunningGateway.json(post("/auth", "{\"username\":\"admin\",\"password\":\"admin123\"}"))
                .get("token").asText();
        client.send(request("/app/foo/").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(backend.next().path()).isEqualTo("/base/foo/");
    }

    @Test
    void admStats_datesAreRfc3339InUtc_asProxyAuthWritesThem_whateverTheTimezone() throws Exception {
        String token = RunningGateway.json(post("/auth", "{\"username\":\"admin\",\"password\":\"admin123\"}"))
                .get("token").asText();
        client.send(request("/app/x").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        backend.next();
        JsonNode stats = RunningGateway.json(client.send(request("/adm/stats").header("X-Auth-Token", ADMIN).build(),
                HttpResponse.BodyHandlers.ofString()));
        JsonNode used = stats.get(0).get("tokens").get(0);
        assertThat(used.get("delivery_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z");
        assertThat(used.get("expire_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    private static HttpResponse<String> revoke(String json) throws Exception {
        return client.send(request("/adm/revoke").header("X-Auth-Token", ADMIN).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return client.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
