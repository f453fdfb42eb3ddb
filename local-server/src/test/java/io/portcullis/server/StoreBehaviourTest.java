package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.infra.dynamodb.LocalDynamo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway on DynamoDB: state survives restarts, servers share it, and a vanished store gets 503, not a hang. */
class StoreBehaviourTest {
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
    void aPasswordFromAnEnvironmentVariable_keepsItsHashAcrossRestarts_soNobodyIsLoggedOut(@TempDir Path dir)
            throws Exception {
        Path config = RunningGateway.configFile(dir, """
                users: [ { username: alice, password: "${ALICE_PASSWORD}" } ]
                store: { type: embedded, data-dir: state }
                routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                """.formatted(backend.port()));
        Map<String, String> env = Map.of("ALICE_PASSWORD", "wonderland");
        String token;
        try (RunningGateway first = RunningGateway.startFrom(config, env)) {
            token = first.login("alice", "wonderland");
        }
        try (RunningGateway second = RunningGateway.startFrom(config, env)) {
            assertThat(second.get("/api/x", token).statusCode()).as("the same password is no password change")
                    .isEqualTo(200);
            backend.next();
        }
        try (RunningGateway third = RunningGateway.startFrom(config, Map.of("ALICE_PASSWORD", "changed"))) {
            assertThat(third.get("/api/x", token).statusCode()).as("a changed one logs alice out").isEqualTo(401);
            assertThat(third.login("alice", "changed")).isNotEmpty();
        }
    }

    @Test
    void embeddedStore_keepsRevocationsAndUsersAcrossARestart(@TempDir Path dir) throws Exception {
        Path config = RunningGateway.configFile(dir, """
                users: [ { username: alice, password: wonderland } ]
                store: { type: embedded, data-dir: state }
                routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                """.formatted(backend.port()));
        String revoked;
        String kept;
        try (RunningGateway first = RunningGateway.startFrom(config)) {
            revoked = first.login("alice", "wonderland");
            kept = first.login("alice", "wonderland");
            assertThat(first.postJson("/logout", "", revoked).statusCode()).isEqualTo(204);
        }

        try (RunningGateway second = RunningGateway.startFrom(config)) {
            assertThat(second.get("/api/x", revoked).statusCode()).isEqualTo(401);
            assertThat(second.get("/api/x", kept).statusCode()).isEqualTo(200);
            backend.next();
        }
    }

    @Test
    void twoServersOnOneTable_shareRevocationsAndLimits(@TempDir Path dir) throws Exception {
        try (LocalDynamo.HttpServer dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
                RunningGateway a = RunningGateway.start(dir.resolve("a"), shared(dynamo.port, 3));
                RunningGateway b = RunningGateway.start(dir.resolve("b"), shared(dynamo.port, 3))) {
            String token = a.login("alice", "wonderland");

            assertThat(a.get("/api/1", token).statusCode()).isEqualTo(200);
            assertThat(b.get("/api/2", token).statusCode()).isEqualTo(200);
            assertThat(a.get("/api/3", token).statusCode()).isEqualTo(200);
            HttpResponse<String> fourth = b.get("/api/4", token);
            assertThat(fourth.statusCode()).as("the burst of 3 is shared").isEqualTo(429);
            assertThat(fourth.headers().firstValue("Retry-After")).isPresent();
            for (int i = 0; i < 3; i++) {
                backend.next();
            }

            String other = a.login("alice", "wonderland");
            assertThat(b.postJson("/logout", "", other).statusCode()).isEqualTo(204);
            Thread.sleep(Duration.ofMillis(1500));
            assertThat(RunningGateway.json(a.get("/api/5", other)).get("message").asText()).contains("revoked");
        }
    }

    @Test
    void storeGoesAway_checksAnswer503_thenRecover(@TempDir Path dir) throws Exception {
        try (LocalDynamo.HttpServer dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
                RunningGateway gateway = RunningGateway.start(dir.resolve("g"), shared(dynamo.port, 100))) {
            String token = gateway.login("alice", "wonderland");
            assertThat(gateway.get("/api/before", token).statusCode()).isEqualTo(200);
            backend.next();

            dynamo.stop();
            Thread.sleep(Duration.ofMillis(1200));
            HttpResponse<String> during = gateway.get("/api/during", token);

            assertThat(during.statusCode()).isEqualTo(503);
            assertThat(RunningGateway.json(during).get("error").asText()).isEqualTo("unavailable");
            assertThat(backend.receivedNothing()).isTrue();

            dynamo.start();
            assertThat(untilNot503(() -> gateway.get("/api/after", token).statusCode()))
                    .as("served again once the store is back").isEqualTo(200);
            backend.next();
        }
    }

    /**
     * The first status that is not 503, asking for up to 20 s: a store just restarted may still miss the gateway's
     * short store deadline on a busy machine.
     */
    private static int untilNot503(java.util.concurrent.Callable<Integer> status) throws Exception {
        for (int i = 0; i < 40; i++) {
            int code = status.call();
            if (code != 503) {
                return code;
            }
            Thread.sleep(500);
        }
        return 503;
    }

    @Test
    void aLogoutThatCannotBeRecorded_is503_andTheTokenStaysValid(@TempDir Path dir) throws Exception {
        try (LocalDynamo.HttpServer dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
                RunningGateway gateway = RunningGateway.start(dir.resolve("g"), shared(dynamo.port, 100)
                        .replace("timeout: 2s", "timeout: 10s")
                        .replace("revocation-max-staleness: 1s", "revocation-max-staleness: 60s"))) {
            String token = gateway.login("alice", "wonderland");
            assertThat(gateway.get("/api/before", token).statusCode()).isEqualTo(200);
            backend.next();

            dynamo.stop();
            HttpResponse<String> logout = gateway.postJson("/logout", "", token);

            assertThat(logout.statusCode()).as("the revocation could not be written").isEqualTo(503);
            assertThat(RunningGateway.json(logout).get("error").asText()).isEqualTo("unavailable");
            assertThat(logout.headers().firstValue("Retry-After")).contains("1");
            dynamo.start();
            assertThat(untilNot503(() -> gateway.get("/api/after", token).statusCode()))
                    .as("not revoked, as the 503 said").isEqualTo(200);
            backend.next();
            assertThat(gateway.postJson("/logout", "", token).statusCode()).isEqualTo(204);
            assertThat(gateway.get("/api/gone", token).statusCode()).isEqualTo(401);
        }
    }

    private static String shared(int dynamoPort, int burst) {
        return """
                users: [ { username: alice, password: wonderland } ]
                store:
                  type: dynamodb
                  endpoint: http://127.0.0.1:%d
                  region: us-east-1
                  create-tables: true
                  timeout: 2s
                  revocation-max-staleness: 1s
                rate-limits: { proxy: { requests-per-second: 0.1, burst: %d }, auth: { requests-per-second: 100, burst: 100 } }
                routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                """.formatted(dynamoPort, burst, backend.port());
    }
}
