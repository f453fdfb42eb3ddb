package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.infra.dynamodb.LocalDynamo;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /observe/health} (liveness, readiness on the store) and {@code /observe/metrics} over real sockets. */
class HealthAndMetricsTest {
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
    void readiness_isDownWhileTheStoreIsUnreachable_livenessStaysUp(@TempDir Path dir) throws Exception {
        try (LocalDynamo.HttpServer dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
                RunningGateway gateway = RunningGateway.start(dir.resolve("g"), """
                        users: [ { username: alice, password: wonderland } ]
                        log: { type: disabled }
                        store: { type: dynamodb, endpoint: "http://127.0.0.1:%d", region: us-east-1,
                                 create-tables: true, timeout: 3s }
                        routes: [ { prefix: /ready, target: "http://127.0.0.1:%d" } ]
                        """.formatted(dynamo.port, backend.port()))) {
            await(() -> status(gateway, "/observe/health/ready") == 200);
            HttpResponse<String> ready = gateway.get("/observe/health/ready", null);
            assertThat(RunningGateway.json(ready).at("/checks/0/name").asText()).isEqualTo("store");
            assertThat(RunningGateway.json(ready).at("/checks/0/data/type").asText()).isEqualTo("dynamodb");

            dynamo.stop();
            await(() -> status(gateway, "/observe/health/ready") == 503);
            HttpResponse<String> down = gateway.get("/observe/health/ready", null);
            assertThat(RunningGateway.json(down).get("status").asText()).isEqualTo("DOWN");
            assertThat(down.body()).as("the store's address stays in the log").doesNotContain("127.0.0.1");
            assertThat(status(gateway, "/observe/health/live")).isEqualTo(200);
            assertThat(gateway.get("/observe/metrics", null).body())
                    .containsPattern("portcullis_store_errors_total\\{operation=\"query\",[^}]*} [1-9]");

            dynamo.start();
            await(() -> status(gateway, "/observe/health/ready") == 200);
        }
    }

    @Test
    void memoryStore_isAlwaysReady(@TempDir Path dir) throws Exception {
        try (RunningGateway gateway = RunningGateway.start(dir, "store: { type: memory }\nlog: { type: disabled }\n")) {
            HttpResponse<String> ready = gateway.get("/observe/health/ready", null);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(RunningGateway.json(ready).at("/checks/0/data/type").asText()).isEqualTo("memory");
            assertThat(status(gateway, "/observe/health/live")).isEqualTo(200);
        }
    }

    @Test
    void metrics_countWhatHappened_andPromtoolAcceptsThem(@TempDir Path dir) throws Exception {
        try (RunningGateway gateway = RunningGateway.start(dir, """
                users: [ { username: alice, password: wonderland } ]
                log: { type: disabled }
                store: { type: embedded, data-dir: state }
                rate-limits: { proxy: { requests-per-second: 0.01, burst: 2 }, auth: { requests-per-second: 100, burst: 100 } }
                routes: [ { prefix: /metered, target: "http://127.0.0.1:%d" } ]
                """.formatted(backend.port()))) {
            String before = gateway.get("/observe/metrics", null).body();
            String token = gateway.login("alice", "wonderland");
            assertThat(gateway.postJson("/auth", "{\"username\":\"alice\",\"password\":\"nope\"}", null).statusCode())
                    .isEqualTo(401);
            assertThat(gateway.get("/metered/a", token).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/metered/b", token).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/metered/c", token).statusCode()).isEqualTo(429);
            assertThat(gateway.get("/metered/d", null).statusCode()).isEqualTo(401);
            assertThat(gateway.get("/nowhere", null).statusCode()).isEqualTo(404);
            assertThat(gateway.postJson("/logout", "", token).statusCode()).isEqualTo(204);
            assertThat(gateway.get("/metered/e", token).statusCode()).isEqualTo(401);
            backend.next();
            backend.next();

            String after = gateway.get("/observe/metrics", null).body();
            assertThat(delta(before, after, "portcullis_requests_total", "route=\"/metered\"", "status=\"200\""))
                    .isEqualTo(2);
            assertThat(delta(before, after, "portcullis_requests_total", "route=\"/metered\"", "status=\"429\""))
                    .isEqualTo(1);
            assertThat(delta(before, after, "portcullis_requests_total", "route=\"/metered\"", "status=\"401\""))
                    .isEqualTo(2);
            assertThat(delta(before, after, "portcullis_requests_total", "route=\"none\"", "status=\"404\""))
                    .isEqualTo(1);
            assertThat(delta(before, after, "portcullis_requests_total", "route=\"own:/auth\"", "status=\"200\""))
                    .isEqualTo(1);
            assertThat(delta(before, after, "portcullis_logins_total", "outcome=\"success\"")).isEqualTo(1);
            assertThat(delta(before, after, "portcullis_logins_total", "outcome=\"wrong_password\"")).isEqualTo(1);
            assertThat(delta(before, after, "portcullis_refusals_total", "reason=\"rate_limited\"")).isEqualTo(1);
            assertThat(delta(before, after, "portcullis_refusals_total", "reason=\"revoked\"")).isEqualTo(1);
            assertThat(delta(before, after, "portcullis_refusals_total", "reason=\"missing_token\"")).isEqualTo(1);
            assertThat(delta(before, after, "portcullis_revocations_total")).isEqualTo(1);
            assertThat(delta(before, after, "portcullis_upstream_latency_seconds_count", "route=\"/metered\""))
                    .isEqualTo(2);
            assertThat(after)
                    .containsPattern("portcullis_upstream_latency_seconds_bucket\\{route=\"/metered\",[^}]*le=\"0.005\"")
                    .contains("# TYPE portcullis_upstream_latency_seconds histogram")
                    .containsPattern("portcullis_store_latency_seconds_count\\{operation=\"query\",[^}]*} [1-9]")
                    .contains("jvm_memory_used_bytes");
            assertThat(value(after, "portcullis_connections_active")).as("this scrape's own connection")
                    .isGreaterThanOrEqualTo(1);

            promtool(after);
        }
    }

    /**
     * {@code /observe/*} are described in the OpenAPI document with the gateway's own endpoints: the server's actual
     * answers, UP and DOWN, are checked against it (status, content type, the health JSON's schema).
     */
    @Test
    void observeAnswers_areWhatTheOpenApiDocumentDescribes(@TempDir Path dir) throws Exception {
        try (LocalDynamo.HttpServer dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
                RunningGateway gateway = RunningGateway.start(dir.resolve("g"), """
                        log: { type: disabled }
                        store: { type: dynamodb, endpoint: "http://127.0.0.1:%d", region: us-east-1,
                                 create-tables: true, timeout: 10s }
                        """.formatted(dynamo.port))) {
            await(() -> status(gateway, "/observe/health/ready") == 200);
            List<String> paths = List.of("/observe/health", "/observe/health/live", "/observe/health/ready",
                    "/observe/metrics");
            for (String path : paths) {
                conforms(gateway, path);
            }
            dynamo.stop();
            await(() -> status(gateway, "/observe/health/ready") == 503);
            for (String path : paths) {
                conforms(gateway, path);
            }
            dynamo.start();
        }
    }

    private static void conforms(RunningGateway gateway, String path) throws Exception {
        HttpResponse<String> answer = gateway.get(path, null);
        io.portcullis.core.OpenApiDocument.GATEWAY.check("GET", path, answer.statusCode(),
                answer.headers().firstValue("content-type").orElse(""), answer.body());
    }

    /** Runs {@code promtool check metrics} on the text; skipped where Prometheus' tools are not installed. */
    private static void promtool(String metrics) throws IOException, InterruptedException {
        boolean installed = List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
        assumeTrue(installed, "promtool is not installed (Debian package prometheus; .ci/run installs it): "
                + "the metrics were checked, their lint was not");
        Process process = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        process.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("promtool check metrics said:\n" + output).isZero();
    }

    /** The change of one series between two scrapes; a series not yet there counts as 0. */
    private static double delta(String before, String after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    /** The sum of the samples of {@code name} whose labels include every one of {@code labels}. */
    private static double value(String metrics, String name, String... labels) {
        double sum = 0;
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(metrics);
        while (sample.find()) {
            String set = sample.group(1) == null ? "" : sample.group(1);
            if (List.of(labels).stream().allMatch(set::contains)) {
                sum += Double.parseDouble(sample.group(2));
            }
        }
        return sum;
    }

    private static int status(RunningGateway gateway, String path) throws IOException, InterruptedException {
        return gateway.get(path, null).statusCode();
    }

    /** Waits (at most 20 s, polling) for something that happens in the background. */
    static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!check.holds()) {
            assertThat(System.nanoTime()).as("waited 20 s in vain").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    interface Check {
        boolean holds() throws Exception;
    }
}
