package io.portcullis.server;

import static io.portcullis.server.HealthAndMetricsTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.core.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access and audit lines: JSON, one per line, never a secret; on stdout, pushed to Loki, or off. */
class LogsTest {
    static final String PASSWORD = "wonderland-7c1f";
    static TestBackend backend;

    @BeforeAll
    static void startBackend() {
        backend = new TestBackend();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    private String config(String log) {
        return """
                users: [ { username: alice, password: "%s" } ]
                store: { type: memory }
                rate-limits: { auth: { requests-per-second: 0.01, burst: 3 } }
                routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                %s
                """.formatted(PASSWORD, backend.port(), log);
    }

    @Test
    void local_writesAccessAndAuditLinesToStdout_asJsonWithoutSecrets(@TempDir Path dir) throws Exception {
        String token;
        List<JsonNode> lines;
        // Lines are written by a thread of their own; closing the gateway writes what is queued.
        try (Stdout stdout = new Stdout()) {
            try (RunningGateway gateway = RunningGateway.start(dir, config(""))) {
                token = gateway.login("alice", PASSWORD);
                assertThat(gateway.get("/api/x?access_token=query-secret-99", token).statusCode()).isEqualTo(200);
                assertThat(backend.next().header("x-token-id")).isNotNull();
                assertThat(gateway.postJson("/auth", "{\"username\":\"alice\",\"password\":\"not-" + PASSWORD + "\"}",
                        null).statusCode()).isEqualTo(401);
                // A username that tries to start a forged line of its own.
                String forged = "mallory\r\n{\"log\":\"audit\",\"event\":\"login\",\"outcome\":\"success\",\"user\":\"root\"}";
                assertThat(gateway.send(HttpRequest.newBuilder(gateway.uri("/auth"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("username="
                                + java.net.URLEncoder.encode(forged, StandardCharsets.UTF_8) + "&password=x"))
                        .build()).statusCode()).isEqualTo(401);
                assertThat(gateway.postJson("/auth", "{\"username\":\"alice\",\"password\":\"x\"}", null).statusCode())
                        .as("the burst of 3 logins from this address is spent").isEqualTo(429);
                assertThat(gateway.postJson("/logout", "", token).statusCode()).isEqualTo(204);
            }
            lines = stdout.lines();
        }

        String tokenId = lines.stream().filter(l -> l.path("event").asText().equals("login")
                && l.path("outcome").asText().equals("success")).findFirst().orElseThrow().get("token_id").asText();
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.get("log").asText()).isIn("access", "audit");
            assertThat(line.get("time").asText()).endsWith("Z");
            assertThat(line.toString()).doesNotContain(PASSWORD).doesNotContain(token)
                    .doesNotContain("query-secret-99");
        });
        assertThat(lines).filteredOn(l -> l.path("user").asText().equals("root")).isEmpty();

        JsonNode access = only(lines, "access", "path", "/api/x");
        assertThat(access.get("request_id").asText()).matches("[0-9a-f]{16}");
        assertThat(access.get("method").asText()).isEqualTo("GET");
        assertThat(access.get("route").asText()).isEqualTo("/api");
        assertThat(access.get("user").asText()).isEqualTo("alice");
        assertThat(access.get("token_id").asText()).isEqualTo(tokenId);
        assertThat(access.get("status").asInt()).isEqualTo(200);
        assertThat(access.get("bytes").asLong()).isPositive();
        assertThat(access.get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(access.get("upstream_ms").asDouble()).isPositive();
        assertThat(access.get("duration_ms").asDouble()).isGreaterThanOrEqualTo(access.get("upstream_ms").asDouble());

        List<JsonNode> logins = lines.stream().filter(l -> l.path("event").asText().equals("login")).toList();
        assertThat(logins).extracting(l -> l.get("outcome").asText() + " " + l.path("reason").asText() + " "
                + l.path("user").asText()).containsExactly(
                "success  alice",
                "failure wrong_password alice",
                "failure unknown_user " + "mallory\r\n{\"log\":\"audit\",\"event\":\"login\",\"outcome\":\"success\","
                        + "\"user\":\"root\"}",
                // Limited by address before the body is read: the gateway never learnt the name.
                "failure rate_limited ");
        assertThat(logins.get(0).get("request_id").asText()).isEqualTo(only(lines, "access", "status", "200",
                "path", "/auth").get("request_id").asText());
        JsonNode revocation = only(lines, "audit", "event", "revocation");
        assertThat(revocation.get("outcome").asText()).isEqualTo("success");
        assertThat(revocation.get("actor").asText()).isEqualTo("alice");
        assertThat(revocation.get("target").asText()).isEqualTo("token " + tokenId);
        assertThat(only(lines, "access", "path", "/logout").get("route").asText()).isEqualTo("own:/logout");
    }

    /**
     * The server as a process on the embedded store (DynamoDB Local and the AWS SDK, which log through SLF4J):
     * stdout and stderr together, read from the very first byte, are JSON objects line by line, from startup
     * through a request to shutdown. Without an SLF4J binding, slf4j-api 1.7 prints three plain-text lines first.
     */
    @Test
    void serverProcess_everyLineFromTheFirst_isJson(@TempDir Path dir) throws Exception {
        Path config = Fixtures.write(dir, "portcullis.yaml", Fixtures.baseYaml()
                + """
                server: { host: 127.0.0.1, port: 0 }
                store: { data-dir: data }
                routes: [ { prefix: /open, target: "http://127.0.0.1:%d", secure: false } ]
                """.formatted(backend.port()));
        Path log = dir.resolve("server.out");
        // The runtime classpath as packaged: without test-classes, whose logging.properties writes plain text.
        String classpath = java.util.Arrays.stream(System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")).split(java.io.File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", classpath, Main.class.getName(),
                "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            Matcher listening = Pattern.compile(
                    "listening on http://127\\.0\\.0\\.1:(\\d+)").matcher("");
            for (int i = 0; i < 1200 && !listening.reset(Files.readString(log)).find(); i++) {
                assertThat(server.isAlive()).as(Files.readString(log)).isTrue();
                Thread.sleep(100);
            }
            assertThat(listening.find(0)).as("the server started within 120 s").isTrue();
            int port = Integer.parseInt(listening.group(1));
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/open/x")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            backend.next();
        } finally {
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).as("the process wrote its start and access lines").hasSizeGreaterThanOrEqualTo(3);
        for (String line : lines) {
            JsonNode node = RunningGateway.JSON.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            assertThat(node.path("log").asText()).as(line).isIn("app", "access", "audit");
        }
        assertThat(lines.getFirst()).doesNotContain("SLF4J");
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"path\":\"/open/x\""));
    }

    @Test
    void webSocketTunnels_getAnAccessLineWhenTheyClose_andRefusedHandshakesAtOnce(@TempDir Path dir) throws Exception {
        try (WebSocketEchoBackend echo = new WebSocketEchoBackend(); Stdout stdout = new Stdout();
                RunningGateway gateway = RunningGateway.start(dir, """
                        users: [ { username: alice, password: wonderland } ]
                        store: { type: memory }
                        routes: [ { prefix: /ws, target: "http://127.0.0.1:%d/socket" } ]
                        """.formatted(echo.port()))) {
            String token = gateway.login("alice", "wonderland");
            URI uri = URI.create("ws://127.0.0.1:" + gateway.server.port() + "/ws/room");
            WebSocket socket = gateway.client.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(uri, new WebSocket.Listener() {
                    }).get(10, TimeUnit.SECONDS);
            socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            assertThat(gateway.client.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            })).failsWithin(Duration.ofSeconds(10));

            await(() -> stdout.lines().stream().filter(l -> l.path("path").asText().equals("/ws/room")).count() == 2);
            List<JsonNode> lines = stdout.lines().stream().filter(l -> l.path("path").asText().equals("/ws/room"))
                    .toList();
            assertThat(lines).anySatisfy(line -> {
                assertThat(line.get("status").asInt()).isEqualTo(401);
                assertThat(line.get("reason").asText()).isEqualTo("missing_token");
                assertThat(line.get("route").asText()).isEqualTo("/ws");
            }).anySatisfy(line -> {
                assertThat(line.get("status").asInt()).isEqualTo(101);
                assertThat(line.get("user").asText()).isEqualTo("alice");
                assertThat(line.get("route").asText()).isEqualTo("/ws");
                assertThat(line.get("bytes").asLong()).isPositive();
                assertThat(line.has("upstream_ms")).isTrue();
            });
        }
    }

    @Test
    void accessFalse_keepsTheAuditLog_andDisabled_writesNothing(@TempDir Path dir) throws Exception {
        try (Stdout stdout = new Stdout()) {
            try (RunningGateway gateway = RunningGateway.start(dir.resolve("a"), config("log: { access: false }"))) {
                String token = gateway.login("alice", PASSWORD);
                assertThat(gateway.get("/api/y", token).statusCode()).isEqualTo(200);
                backend.next();
            }
            assertThat(stdout.lines()).extracting(l -> l.get("log").asText() + " " + l.path("event").asText())
                    .containsExactly("audit login");
        }
        try (Stdout stdout = new Stdout()) {
            try (RunningGateway gateway = RunningGateway.start(dir.resolve("d"), config("log: { type: disabled }"))) {
                String token = gateway.login("alice", PASSWORD);
                assertThat(gateway.get("/api/z", token).statusCode()).isEqualTo(200);
                backend.next();
            }
            assertThat(stdout.lines()).isEmpty();
        }
    }

    @Test
    void loki_receivesBatchedStreamsWithLabels(@TempDir Path dir) throws Exception {
        List<Push> pushes = new CopyOnWriteArrayList<>();
        HttpServer loki = receiver(pushes, new AtomicInteger(204));
        try (Stdout stdout = new Stdout()) {
            String token;
            try (RunningGateway gateway = RunningGateway.start(dir, config("""
                    log:
                      type: loki
                      loki-url: "http://gw:s3cret@127.0.0.1:%d"
                      loki-labels: { instance: test-1 }
                      loki-tenant: team-a
                    """.formatted(loki.getAddress().getPort())))) {
                token = gateway.login("alice", PASSWORD);
                assertThat(gateway.get("/api/loki", token).statusCode()).isEqualTo(200);
                backend.next();
            }
            // Closing the server pushed what was queued.
            assertThat(stdout.lines()).as("nothing on stdout with type: loki").isEmpty();
            assertThat(pushes).isNotEmpty().allSatisfy(push -> {
                assertThat(push.path()).isEqualTo("/loki/api/v1/push");
                assertThat(push.headers().get("content-type")).isEqualTo("application/json");
                assertThat(push.headers().get("x-scope-orgid")).isEqualTo("team-a");
                assertThat(push.headers().get("authorization")).isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString("gw:s3cret".getBytes(StandardCharsets.UTF_8)));
                assertThat(push.body()).doesNotContain(PASSWORD).doesNotContain(token);
            });
            List<JsonNode> streams = new ArrayList<>();
            for (Push push : pushes) {
                RunningGateway.JSON.readTree(push.body()).get("streams").forEach(streams::add);
            }
            List<JsonNode> lines = new ArrayList<>();
            for (JsonNode stream : streams) {
                String log = stream.at("/stream/log").asText();
                assertThat(log).isIn("access", "audit");
                assertThat(stream.at("/stream/app").asText()).isEqualTo("portcullis");
                assertThat(stream.at("/stream/instance").asText()).isEqualTo("test-1");
                for (JsonNode value : stream.get("values")) {
                    assertThat(value.get(0).asText()).matches("\\d{19}");
                    JsonNode line = RunningGateway.JSON.readTree(value.get(1).asText());
                    assertThat(line.get("log").asText()).isEqualTo(log);
                    lines.add(line);
                }
            }
            assertThat(lines).anySatisfy(l -> assertThat(l.path("event").asText()).isEqualTo("login"))
                    .anySatisfy(l -> assertThat(l.path("path").asText()).isEqualTo("/api/loki"));
        } finally {
            loki.stop(0);
        }
    }

    @Test
    void loki_refusingPushes_dropsAndCountsLines_whileRequestsGoOn(@TempDir Path dir) throws Exception {
        List<Push> pushes = new CopyOnWriteArrayList<>();
        HttpServer loki = receiver(pushes, new AtomicInteger(400));
        try (RunningGateway gateway = RunningGateway.start(dir, config("log: { type: loki, loki-url: \"http://127.0.0.1:"
                + loki.getAddress().getPort() + "\" }"))) {
            double before = dropped(gateway);
            String token = gateway.login("alice", PASSWORD);
            assertThat(gateway.get("/api/refused", token).statusCode()).isEqualTo(200);
            backend.next();
            await(() -> dropped(gateway) >= before + 2);
            assertThat(pushes).isNotEmpty();
        } finally {
            loki.stop(0);
        }
    }

    private static double dropped(RunningGateway gateway) throws Exception {
        String metrics = gateway.get("/observe/metrics", null).body();
        Matcher sample = java.util.regex.Pattern
                .compile("(?m)^portcullis_log_dropped_total\\{reason=\"push_failed\",[^}]*} (\\S+)$").matcher(metrics);
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0;
    }

    private static JsonNode only(List<JsonNode> lines, String log, String... fieldValues) {
        List<JsonNode> found = lines.stream().filter(line -> line.get("log").asText().equals(log)).filter(line -> {
            for (int i = 0; i < fieldValues.length; i += 2) {
                if (!line.path(fieldValues[i]).asText().equals(fieldValues[i + 1])) {
                    return false;
                }
            }
            return true;
        }).toList();
        assertThat(found).as(log + " " + List.of(fieldValues) + " in " + lines).hasSize(1);
        return found.get(0);
    }

    record Push(String path, Map<String, String> headers, String body) {
    }

    /** A stand-in for Loki: records each push and answers {@code status}. */
    private static HttpServer receiver(List<Push> pushes, AtomicInteger status) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                    values.get(0)));
            pushes.add(new Push(exchange.getRequestURI().getPath(), headers,
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** Captures what the server writes to stdout while open: start the server inside it. */
    static final class Stdout implements AutoCloseable {
        private final PrintStream original = System.out;
        private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

        Stdout() {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        }

        /** Every line, each of which must be a JSON object. */
        List<JsonNode> lines() throws Exception {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : captured.toString(StandardCharsets.UTF_8).split("\n", -1)) {
                if (!line.isEmpty()) {
                    JsonNode node = RunningGateway.JSON.readTree(line);
                    assertThat(node.isObject()).as(line).isTrue();
                    lines.add(node);
                }
            }
            return lines;
        }

        @Override
        public void close() {
            System.setOut(original);
        }
    }
}
