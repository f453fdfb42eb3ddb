package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.Passwords;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One HTTP behaviour, every transport: the server over sockets, the Lambda functions through their events.
 * Subclasses start the gateway with {@link #YAML} in front of the contract's backend and carry requests to it.
 */
public abstract class GatewayHttpContract {
    /** What reached the backend: the headers, lower-cased names. */
    protected final BlockingQueue<Map<String, List<String>>> backendSaw = new LinkedBlockingQueue<>();
    private HttpServer backend;
    private Transport gateway;

    /** A response as the client sees it; header names lower-cased. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public JsonNode json() throws IOException {
            return new ObjectMapper().readTree(body);
        }
    }

    /** Carries one request to the gateway under test. */
    public interface Transport extends AutoCloseable {
        Answer send(String method, String path, Map<String, String> headers, String body) throws Exception;

        @Override
        void close();
    }

    /** Hashed, as a function's configuration requires (it has no file to rewrite). */
    private static final Passwords FAST = new Passwords(new Argon2Params(64, 1, 1));
    private static final String ALICE = FAST.hash("wonderland".toCharArray());
    private static final String BOB = FAST.hash("builder".toCharArray());

    /** The {@code tokens} settings of the contract, besides the fixture's key: refresh tokens on, reuse strict. */
    protected static final String TOKENS = "ttl-seconds: 3600, refresh-ttl: 8h, refresh-reuse-interval: 0s";

    /** The gateway's configuration for the contract, after {@link Fixtures#baseYaml(String)} with {@link #TOKENS}. */
    protected static String yaml(int backendPort) {
        return """
                users:
                  - { username: alice, password: "%2$s", roles: [admin] }
                  - { username: bob, password: "%3$s" }
                rate-limits:
                  proxy: { requests-per-second: 0.01, burst: 3 }
                  auth: { requests-per-second: 100, burst: 100 }
                store: { type: memory }
                identity-assertions: { issuer: portcullis-contract }
                routes:
                  - { prefix: /api, target: "http://127.0.0.1:%1$d" }
                  - { prefix: /admin, target: "http://127.0.0.1:%1$d", roles: [admin] }
                  - { prefix: /signed, target: "http://127.0.0.1:%1$d", identity-assertion: true }
                """.formatted(backendPort, ALICE, BOB);
    }

    /**
     * Starts the gateway configured with {@code yaml} (added to the fixture base config, whose {@code tokens}
     * section has {@code tokenSettings} besides its key).
     */
    protected abstract Transport start(String tokenSettings, String yaml) throws Exception;

    /**
     * Every answer of the gateway's own endpoints is checked against the OpenAPI document: status, content type,
     * body schema. The description cannot drift from what the gateway answers.
     */
    private static Transport conformant(Transport transport) {
        return new Transport() {
            @Override
            public Answer send(String method, String path, Map<String, String> headers, String body) throws Exception {
                Answer answer = transport.send(method, path, headers, body);
                if (OpenApiDocument.GATEWAY.describes(path)) {
                    OpenApiDocument.GATEWAY.check(method, path, answer.status(), answer.headers().get("content-type"),
                            answer.body());
                }
                return answer;
            }

            @Override
            public void close() {
                transport.close();
            }
        };
    }

    @BeforeEach
    void startBoth() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            Map<String, List<String>> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            backendSaw.add(headers);
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        backend.start();
        gateway = conformant(start(TOKENS, yaml(backend.getAddress().getPort())));
    }

    @AfterEach
    void stopBoth() throws Exception {
        gateway.close();
        backend.stop(0);
    }

    @Test
    void login_rightPassword_givesABearerToken() throws Exception {
        Answer answer = login("alice", "wonderland");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("token_type").asText()).isEqualTo("Bearer");
        assertThat(answer.json().get("expires_in").asLong()).isEqualTo(3600);
        assertThat(answer.headers()).containsEntry("cache-control", "no-store");
    }

    @Test
    void login_wrongPassword_is401_andMalformedBody_is400() throws Exception {
        assertError(login("alice", "nope"), 401, "invalid_credentials");
        assertError(gateway.send("POST", "/auth", Map.of("content-type", "application/json"), "{nope"), 400,
                "invalid_json");
    }

    @Test
    void proxiedCall_reachesTheBackendWithIdentity_notTheToken() throws Exception {
        Answer answer = get("/api/things", token("bob", "builder"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("ok");
        Map<String, List<String>> saw = backendSaw.poll(5, TimeUnit.SECONDS);
        assertThat(saw).containsEntry("x-user", List.of("bob")).doesNotContainKey("authorization");
    }

    @Test
    void missingOrBadToken_is401() throws Exception {
        assertError(get("/api/x", null), 401, "missing_token");
        assertError(get("/api/x", "garbage"), 401, "invalid_token");
    }

    @Test
    void routeForbidsUser_is403() throws Exception {
        assertError(get("/admin/x", token("bob", "builder")), 403, "forbidden");
    }

    @Test
    void burstExceeded_is429WithRetryAfter() throws Exception {
        String token = token("alice", "wonderland");
        for (int i = 0; i < 3; i++) {
            assertThat(get("/api/x", token).status()).isEqualTo(200);
        }

        Answer limited = get("/api/x", token);

        assertError(limited, 429, "rate_limited");
        assertThat(limited.headers()).containsKey("retry-after").containsEntry("ratelimit-limit", "3");
    }

    @Test
    void logout_revokesTheToken() throws Exception {
        String token = token("bob", "builder");

        assertThat(gateway.send("POST", "/logout", Map.of("authorization", "Bearer " + token), "").status())
                .isEqualTo(204);

        Answer after = get("/api/x", token);
        assertError(after, 401, "invalid_token");
        assertThat(after.json().get("message").asText()).contains("revoked");
    }

    @Test
    void adminRevokesAUsersTokens() throws Exception {
        String bobs = token("bob", "builder");

        Answer revoke = gateway.send("POST", "/admin/revoke", Map.of("authorization",
                "Bearer " + token("alice", "wonderland"), "content-type", "application/json"), "{\"user\":\"bob\"}");

        assertThat(revoke.status()).isEqualTo(204);
        assertError(get("/api/x", bobs), 401, "invalid_token");
    }

    @Test
    void refresh_rotates_andASpentRefreshToken_endsTheWholeLogin() throws Exception {
        JsonNode login = login("bob", "builder").json();

        Answer rotated = refresh(login.get("refresh_token").asText());

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.headers()).containsEntry("cache-control", "no-store");
        String access = rotated.json().get("token").asText();
        assertThat(rotated.json().get("refresh_token").asText()).isNotEqualTo(login.get("refresh_token").asText());
        assertThat(get("/api/x", access).status()).isEqualTo(200);
        Answer reuse = refresh(login.get("refresh_token").asText());
        assertError(reuse, 401, "invalid_refresh_token");
        assertError(refresh(rotated.json().get("refresh_token").asText()), 401, "invalid_refresh_token");
        assertError(get("/api/x", access), 401, "invalid_token");
    }

    @Test
    void identityAssertion_reachesTheBackend_andVerifiesAgainstTheGatewaysJwks() throws Exception {
        assertThat(get("/signed/x", token("alice", "wonderland")).status()).isEqualTo(200);
        Map<String, List<String>> saw = backendSaw.poll(5, TimeUnit.SECONDS);
        String assertion = saw.get("x-portcullis-assertion").getFirst();

        Answer jwks = gateway.send("GET", "/.well-known/jwks.json", Map.of(), "");

        assertThat(jwks.status()).isEqualTo(200);
        com.nimbusds.jwt.proc.DefaultJWTProcessor<com.nimbusds.jose.proc.SecurityContext> backend =
                new com.nimbusds.jwt.proc.DefaultJWTProcessor<>();
        backend.setJWSKeySelector(new com.nimbusds.jose.proc.JWSVerificationKeySelector<>(
                com.nimbusds.jose.JWSAlgorithm.ES256, new com.nimbusds.jose.jwk.source.ImmutableJWKSet<>(
                        com.nimbusds.jose.jwk.JWKSet.parse(jwks.body()))));
        backend.setJWTClaimsSetVerifier(new com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier<>("/signed",
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("portcullis-contract").subject("alice").build(),
                java.util.Set.of("exp", "iat", "jti")));
        assertThat(backend.process(assertion, null).getStringListClaim("roles")).containsExactly("admin");
    }

    @Test
    void theOpenApiDocument_isServed() throws Exception {
        Answer document = gateway.send("GET", "/openapi.yaml", Map.of(), "");

        assertThat(document.status()).isEqualTo(200);
        assertThat(document.headers().get("content-type")).startsWith("application/yaml");
        assertThat(OpenApiDocument.parse(document.body()).paths()).isEqualTo(OpenApiDocument.GATEWAY.paths());
    }

    private Answer refresh(String refreshToken) throws Exception {
        return gateway.send("POST", "/auth/refresh", Map.of("content-type", "application/json"),
                "{\"refresh_token\":\"" + refreshToken + "\"}");
    }

    private Answer login(String username, String password) throws Exception {
        return gateway.send("POST", "/auth", Map.of("content-type", "application/json"),
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }

    private String token(String username, String password) throws Exception {
        Answer answer = login(username, password);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().get("token").asText();
    }

    private Answer get(String path, String token) throws Exception {
        return gateway.send("GET", path, token == null ? Map.of() : Map.of("authorization", "Bearer " + token), "");
    }

    private static void assertError(Answer answer, int status, String error) throws IOException {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().get("content-type")).startsWith("application/json");
        assertThat(answer.json().get("error").asText()).isEqualTo(error);
    }
}
