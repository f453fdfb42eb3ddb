package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.infra.dynamodb.LocalDynamo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code users} and {@code token} against a config's store, end to end with the server: the embedded store (the
 * server stopped, since the data directory is locked) and DynamoDB Local shared with a running server.
 */
class CliStoreTest {
    private static final String LIMITS = "rate-limits: { auth: { requests-per-second: 100, burst: 100 } }\n";
    static TestBackend backend;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBackend() {
        backend = new TestBackend();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    @Test
    void embeddedStore_usersAndTokens_reachTheServerAtItsNextStart() throws Exception {
        Path config = RunningGateway.configFile(dir, """
                users: [ { username: alice, password: wonderland, roles: [admin] } ]
                store: { type: embedded, data-dir: state }
                routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                """.formatted(backend.port()) + LIMITS);
        String file = config.toString();

        Cli.Run added = Cli.run("c4rol pass\n", "users", "add", "carol", "--role", "dev", "--config", file);
        assertThat(added.code()).isZero();
        assertThat(added.out()).contains("added user carol to the embedded store in " + dir.resolve("state"));
        Cli.Run issued = Cli.run("", "token", "issue", "carol", "--ttl", "10m", "--config", file);
        assertThat(issued.code()).isZero();
        String issuedToken = issued.out().strip();

        String loginToken;
        try (RunningGateway gateway = RunningGateway.startFrom(config)) {
            loginToken = gateway.login("carol", "c4rol pass");
            assertThat(gateway.get("/api/issued", issuedToken).statusCode()).isEqualTo(200);
            assertThat(backend.next().header("x-user-roles")).isEqualTo("dev");

            Cli.Run whileRunning = Cli.run("pw\n", "users", "add", "dave", "--config", file);
            assertThat(whileRunning.code()).isEqualTo(1);
            assertThat(whileRunning.err()).contains("store.data-dir:", "is in use by another Portcullis process");
        }

        Cli.Run revoked = Cli.run("", "token", "revoke", "--user", "carol", "--config", file);
        assertThat(revoked.code()).isZero();
        assertThat(Cli.run("", "users", "add", "erin", "--config", file).code())
                .as("no password on standard input").isEqualTo(1);
        try (RunningGateway gateway = RunningGateway.startFrom(config)) {
            assertThat(gateway.get("/api/x", issuedToken).statusCode()).isEqualTo(401);
            assertThat(gateway.get("/api/x", loginToken).statusCode()).isEqualTo(401);
            assertThat(gateway.postJson("/auth", "{\"username\":\"erin\",\"password\":\"\"}", null).statusCode())
                    .isEqualTo(401);
            assertThat(backend.receivedNothing()).isTrue();
        }
    }

    @Test
    void configuredUsers_andTheMemoryStore_areRefused() {
        Path config = RunningGateway.configFile(dir, """
                users: [ { username: alice, password: wonderland } ]
                store: { type: embedded, data-dir: state }
                """);
        Path memory = RunningGateway.configFile(dir.resolve("m"), "store: { type: memory }\n");

        Cli.Run listed = Cli.run("pw\n", "users", "passwd", "alice", "--config", config.toString());
        Cli.Run inMemory = Cli.run("pw\n", "users", "add", "bob", "--config", memory.toString());
        Cli.Run unknown = Cli.run("", "token", "issue", "nobody", "--config", config.toString());
        Cli.Run tooLong = Cli.run("", "token", "issue", "alice", "--ttl", "2h", "--config", config.toString());

        assertThat(listed.code()).isEqualTo(1);
        assertThat(listed.err()).contains("user 'alice' is listed in " + config, "--file " + config);
        assertThat(inMemory.code()).isEqualTo(1);
        assertThat(inMemory.err()).contains("store.type is memory");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no user 'nobody' in the config or the embedded store");
        assertThat(tooLong.code()).isEqualTo(2);
        assertThat(tooLong.err()).contains("--ttl must be between 1s and tokens.ttl (3600s)");
    }

    @Test
    void dynamoDbStore_changesReachARunningServer() throws Exception {
        try (LocalDynamo.HttpServer dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
                RunningGateway gateway = RunningGateway.start(dir.resolve("g"), """
                        store: { type: dynamodb, endpoint: "http://127.0.0.1:%d", region: us-east-1, create-tables: true }
                        routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                        """.formatted(dynamo.port, backend.port()) + LIMITS)) {
            String file = dir.resolve("g/portcullis.yaml").toString();

            assertThat(Cli.run("first\n", "users", "add", "erin", "--role", "ops", "--config", file).code()).isZero();
            String login = gateway.login("erin", "first");
            String issued = Cli.run("", "token", "issue", "erin", "--config", file).out().strip();
            assertThat(gateway.get("/api/a", issued).statusCode()).isEqualTo(200);
            assertThat(backend.next().header("x-user")).isEqualTo("erin");

            String tokenId = RunningGateway.JSON.readTree(
                    Cli.run(issued + "\n", "token", "inspect", "--config", file).out()).get("token_id").asText();
            Cli.Run revoked = Cli.run("", "token", "revoke", "--token-id", tokenId, "--config", file);
            assertThat(revoked.out()).contains("revoked token " + tokenId);
            assertThat(awaitStatus(gateway, issued, 401).body()).contains("revoked");
            assertThat(gateway.get("/api/b", login).statusCode()).as("only that token").isEqualTo(200);
            backend.next();

            assertThat(Cli.run("second\n", "users", "passwd", "erin", "--config", file).code()).isZero();
            assertThat(awaitStatus(gateway, login, 401).body()).contains("revoked");
            assertThat(gateway.postJson("/auth", "{\"username\":\"erin\",\"password\":\"first\"}", null)
                    .statusCode()).isEqualTo(401);
            String second = gateway.login("erin", "second");

            assertThat(Cli.run("", "users", "remove", "erin", "--config", file).code()).isZero();
            assertThat(gateway.postJson("/auth", "{\"username\":\"erin\",\"password\":\"second\"}", null)
                    .statusCode()).isEqualTo(401);
            awaitStatus(gateway, second, 401);
            assertThat(backend.receivedNothing()).isTrue();
        }
    }

    /** Revocations reach a server through its refresh (every 0.5 s): ask until it answers so, for up to 10 s. */
    private static HttpResponse<String> awaitStatus(RunningGateway gateway, String token, int status)
            throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (true) {
            HttpResponse<String> response = gateway.get("/api/poll", token);
            if (response.statusCode() == status || Instant.now().isAfter(deadline)) {
                assertThat(response.statusCode()).isEqualTo(status);
                return response;
            }
            if (response.statusCode() == 200) {
                backend.next();
            }
            Thread.sleep(100);
        }
    }
}
