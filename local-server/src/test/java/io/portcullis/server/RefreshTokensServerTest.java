package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.Fixtures;
import io.portcullis.infra.dynamodb.LocalDynamo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refresh tokens over real sockets, on one DynamoDB store shared by two gateways: racing presentations of one
 * refresh token let exactly one rotate it; a reuse on one instance ends the family on both and is audited without
 * the token; a browser's lapsed session renews with a 307 and new cookies.
 */
class RefreshTokensServerTest {
    static TestBackend backend;

    @BeforeAll
    static void startBackend() {
        backend = new TestBackend();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    @Test
    void twoGatewaysOnOneStore_racingOneRefreshToken_exactlyOneWins_andTheRestIsReuse(@TempDir Path dir)
            throws Exception {
        try (LocalDynamo.HttpServer dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
                RunningGateway a = start(dir.resolve("a"), "refresh-reuse-interval: 0s", shared(dynamo.port));
                RunningGateway b = start(dir.resolve("b"), "refresh-reuse-interval: 0s", shared(dynamo.port))) {
            JsonNode login = json(a.postJson("/auth", "{\"username\":\"alice\",\"password\":\"wonderland\"}", null));

            List<HttpResponse<String>> answers = race(List.of(a, b), login.get("refresh_token").asText(), 8);

            List<HttpResponse<String>> winners = answers.stream().filter(r -> r.statusCode() == 200).toList();
            assertThat(winners).as("exactly one presentation rotates the token").hasSize(1);
            assertThat(answers).filteredOn(r -> r.statusCode() == 401).hasSize(7)
                    .allSatisfy(r -> assertThat(json(r).get("error").asText()).isEqualTo("invalid_refresh_token"));
            JsonNode won = json(winners.getFirst());
            assertThat(refresh(b, won.get("refresh_token").asText()).statusCode())
                    .as("a second presentation is reuse: the whole family ended, the winner's token too")
                    .isEqualTo(401);
            assertThat(refresh(a, won.get("refresh_token").asText()).statusCode()).isEqualTo(401);
            // Revocations reach every instance within two reads of the revocation feed (500 ms apart).
            long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            for (RunningGateway gateway : List.of(a, b)) {
                int status = gateway.get("/api/x", won.get("token").asText()).statusCode();
                while (status != 401 && System.nanoTime() < deadline) {
                    Thread.sleep(Duration.ofMillis(50));
                    status = gateway.get("/api/x", won.get("token").asText()).statusCode();
                }
                assertThat(status).as("the family's access tokens are revoked on every instance").isEqualTo(401);
            }
        }
    }

    @Test
    void withTheReuseInterval_racersAllGetAnAccessToken_butOnlyOneARefreshToken(@TempDir Path dir)
            throws Exception {
        try (LocalDynamo.HttpServer dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
                RunningGateway a = start(dir.resolve("a"), "refresh-reuse-interval: 30s", shared(dynamo.port));
                RunningGateway b = start(dir.resolve("b"), "refresh-reuse-interval: 30s", shared(dynamo.port))) {
            JsonNode login = json(a.postJson("/auth", "{\"username\":\"alice\",\"password\":\"wonderland\"}", null));

            List<HttpResponse<String>> answers = race(List.of(a, b), login.get("refresh_token").asText(), 6);

            assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200));
            List<JsonNode> withRefresh = answers.stream().map(RefreshTokensServerTest::json)
                    .filter(body -> body.has("refresh_token")).toList();
            assertThat(withRefresh).hasSize(1);
            assertThat(refresh(b, withRefresh.getFirst().get("refresh_token").asText()).statusCode())
                    .as("the family goes on with the one new refresh token").isEqualTo(200);
            for (HttpResponse<String> answer : answers) {
                assertThat(a.get("/api/x", json(answer).get("token").asText()).statusCode()).isEqualTo(200);
                backend.next();
            }
        }
    }

    @Test
    void aReuse_isAuditLogged_withTheUserAndTokenId_butNeverATokenItself(@TempDir Path dir) throws Exception {
        String spent;
        String current;
        List<JsonNode> lines;
        try (LogsTest.Stdout stdout = new LogsTest.Stdout()) {
            try (RunningGateway gateway = start(dir, "refresh-reuse-interval: 0s", """
                    users: [ { username: alice, password: wonderland } ]
                    store: { type: memory }
                    routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                    """.formatted(backend.port()))) {
                JsonNode login = json(gateway.postJson("/auth", "{\"username\":\"alice\",\"password\":\"wonderland\"}",
                        null));
                spent = login.get("refresh_token").asText();
                HttpResponse<String> rotated = refresh(gateway, spent);
                assertThat(rotated.statusCode()).isEqualTo(200);
                current = json(rotated).get("refresh_token").asText();
                HttpResponse<String> reuse = refresh(gateway, spent);
                assertThat(reuse.statusCode()).isEqualTo(401);
                assertThat(json(reuse).get("message").asText()).contains("already used");
            }
            lines = stdout.lines();
        }

        JsonNode reuse = lines.stream().filter(l -> l.path("log").asText().equals("audit")
                && l.path("reason").asText().equals("refresh_token_reused")).findFirst().orElseThrow();
        assertThat(reuse.get("event").asText()).isEqualTo("refresh");
        assertThat(reuse.get("outcome").asText()).isEqualTo("failure");
        assertThat(reuse.get("user").asText()).isEqualTo("alice");
        assertThat(reuse.get("token_id").asText()).matches("[0-9a-f]{32}");
        assertThat(lines).filteredOn(l -> l.path("event").asText().equals("refresh")
                && l.path("outcome").asText().equals("success")).hasSize(1);
        assertThat(lines).allSatisfy(line -> assertThat(line.toString()).doesNotContain(spent).doesNotContain(current)
                .doesNotContain(spent.substring(3)));
    }

    @Test
    void aBrowsersLapsedSession_isRenewedWithA307_andTheRepeatedRequestPasses(@TempDir Path dir) throws Exception {
        try (RunningGateway gateway = start(dir, "ttl-seconds: 900", """
                users: [ { username: alice, password: wonderland } ]
                store: { type: memory }
                browser: {}
                routes: [ { prefix: /app, target: "http://127.0.0.1:%d" } ]
                """.formatted(backend.port()))) {
            HttpResponse<String> login = BrowserSessionsServerTest.formLogin(gateway,
                    "username=alice&password=wonderland");
            Map<String, String> cookies = BrowserSessionsServerTest.setCookies(login);
            assertThat(cookies).containsOnlyKeys("__Host-portcullis", "__Host-portcullis-csrf",
                    "__Host-portcullis-refresh");
            assertThat(cookies.get("__Host-portcullis-refresh")).contains("; HttpOnly;");
            // The browser dropped the session cookie when it expired; the refresh cookie outlives it.
            String refreshCookie = "__Host-portcullis-refresh="
                    + BrowserSessionsServerTest.cookieValue(cookies.get("__Host-portcullis-refresh"));

            HttpResponse<String> renewal = BrowserSessionsServerTest.send(HttpRequest.newBuilder(
                    gateway.uri("/app/page?tab=2")).header("Cookie", refreshCookie));

            assertThat(renewal.statusCode()).isEqualTo(307);
            assertThat(renewal.headers().firstValue("location")).contains("/app/page?tab=2");
            Map<String, String> renewed = BrowserSessionsServerTest.setCookies(renewal);
            assertThat(renewed).containsKeys("__Host-portcullis", "__Host-portcullis-csrf",
                    "__Host-portcullis-refresh");
            HttpResponse<String> repeated = BrowserSessionsServerTest.send(HttpRequest.newBuilder(
                    gateway.uri("/app/page?tab=2")).header("Cookie", "__Host-portcullis="
                    + BrowserSessionsServerTest.cookieValue(renewed.get("__Host-portcullis"))));
            assertThat(repeated.statusCode()).isEqualTo(200);
            assertThat(backend.next().header("x-user")).isEqualTo("alice");
        }
    }

    /** {@code n} presentations of one refresh token at once, alternating between the gateways. */
    private static List<HttpResponse<String>> race(List<RunningGateway> gateways, String refreshToken, int n)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Callable<HttpResponse<String>>> racers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RunningGateway gateway = gateways.get(i % gateways.size());
                racers.add(() -> refresh(gateway, refreshToken));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : pool.invokeAll(racers)) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static HttpResponse<String> refresh(RunningGateway gateway, String refreshToken) throws Exception {
        return gateway.postJson("/auth/refresh", "{\"refresh_token\":\"" + refreshToken + "\"}", null);
    }

    private static RunningGateway start(Path dir, String tokenSettings, String yaml) {
        String tokens = tokenSettings.startsWith("ttl-seconds") ? tokenSettings + ", refresh-ttl: 8h"
                : "ttl-seconds: 900, refresh-ttl: 8h, " + tokenSettings;
        return RunningGateway.startFrom(Fixtures.write(dir, "portcullis.yaml", Fixtures.baseYaml(tokens)
                + "server: { host: 127.0.0.1, port: 0 }\n" + yaml));
    }

    private static String shared(int dynamoPort) {
        return """
                users: [ { username: alice, password: wonderland } ]
                store:
                  type: dynamodb
                  endpoint: http://127.0.0.1:%d
                  region: us-east-1
                  create-tables: true
                  timeout: 10s
                  revocation-max-staleness: 2s
                rate-limits:
                  proxy: { requests-per-second: 1000, burst: 1000 }
                  auth: { requests-per-second: 1000, burst: 1000 }
                routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                """.formatted(dynamoPort, backend.port());
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return RunningGateway.json(response);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
