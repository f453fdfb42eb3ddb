package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Fixtures;
import io.portcullis.core.jwt.JwtMint;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload on a running server over real sockets: the file watcher applies a changed routes or users file, an
 * invalid one is refused with the old configuration still serving, connections and requests in flight carry on, and
 * the server's own rewrite of hashed passwords does not reload again.
 */
class HotReloadTest {
    @TempDir
    Path dir;
    /** Where replacement files are written before they are renamed into place (outside the watched directory). */
    @TempDir
    Path staging;
    private TestBackend first;
    private TestBackend second;

    @BeforeEach
    void backends() {
        first = new TestBackend();
        second = new TestBackend();
    }

    @AfterEach
    void stopBackends() {
        first.close();
        second.close();
    }

    @Test
    void changedRoutesFile_servesTheNewRoutes_withoutDroppingConnectionsOrRequestsInFlight() throws Exception {
        Path routes = Fixtures.write(dir, "routes.yaml", "routes: [ " + route("/a", first) + " ]\n");
        try (RunningGateway gateway = RunningGateway.start(dir, "store: { type: memory }\nroutes-file: routes.yaml\n");
                RawHttp.KeepAlive connection = new RawHttp.KeepAlive(gateway.server.port())) {
            assertThat(connection.send("GET /a/one HTTP/1.1\r\nHost: gw").body()).isEqualTo("hello from /one");
            assertThat(first.next().path()).isEqualTo("/one");
            // The backend holds this request until the test releases it, however long the reload takes: it is
            // in flight across the reload by construction, never by timing.
            CompletableFuture<HttpResponse<String>> inFlight = gateway.client.sendAsync(HttpRequest.newBuilder(
                    gateway.uri("/a/held")).timeout(Duration.ofSeconds(40)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(first.next().path()).as("the held request reached the old route's backend").isEqualTo("/held");

            replace(routes, "routes: [ " + route("/a", second) + ", " + route("/b", second) + " ]\n");
            await(() -> gateway.get("/b/x", null).statusCode() == 200);

            assertThat(connection.send("GET /a/two HTTP/1.1\r\nHost: gw").body())
                    .as("the same connection, served by the new routes").isEqualTo("hello from /two");
            assertThat(first.receivedNothing()).as("/a goes to the second backend now").isTrue();
            assertThat(inFlight).as("still in flight after the reload").isNotDone();
            first.release.countDown();
            HttpResponse<String> held = inFlight.get(20, TimeUnit.SECONDS);
            assertThat(held.statusCode()).isEqualTo(200);
            assertThat(held.body()).isEqualTo("released");
            assertThat(gateway.server.reloadsApplied()).isEqualTo(1);
        }
    }

    @Test
    void aFileWrittenBesideTheConfigWithoutPause_neitherReloadsNorDelaysAReload() throws Exception {
        Path routes = Fixtures.write(dir, "routes.yaml", "routes: [ " + route("/a", first) + " ]\n");
        try (RunningGateway gateway = RunningGateway.start(dir, "store: { type: memory }\nroutes-file: routes.yaml\n")) {
            // A log beside the config, written far more often than the watcher's quiet period.
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread logger = Thread.ofPlatform().start(() -> {
                for (int i = 0; writing.get(); i++) {
                    try {
                        Files.writeString(dir.resolve("gateway.log"), "line " + i + "\n", StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND);
                        Thread.sleep(10);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                replace(routes, "routes: [ " + route("/b", second) + " ]\n");
                await(() -> gateway.get("/b/x", null).statusCode() == 200);
                assertThat(gateway.server.reloadsApplied()).isEqualTo(1);
            } finally {
                writing.set(false);
                logger.join();
            }
        }
    }

    @Test
    void brokenRoutesFile_isRefusedNamingTheKey_andTheOldRoutesKeepServing() throws Exception {
        Path routes = Fixtures.write(dir, "routes.yaml", "routes: [ " + route("/a", first) + " ]\n");
        try (RunningGateway gateway = RunningGateway.start(dir, "store: { type: memory }\nroutes-file: routes.yaml\n");
                LogCapture log = new LogCapture(ConfigReload.class)) {
            replace(routes, "routes: [ { prefix: /b, target: \"http://127.0.0.1:" + second.port()
                    + "\", secrue: false } ]\n");

            String refusal = log.await(Level.SEVERE, message -> message.contains("refused")).getMessage();
            assertThat(refusal).contains("secrue: unknown key");
            assertThat(gateway.get("/a/still", null).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/b/x", null).statusCode()).isEqualTo(404);
            HttpResponse<String> ready = gateway.get("/observe/health/ready", null);
            assertThat(ready.statusCode()).as("still serving its last valid configuration: ready").isEqualTo(200);
            assertThat(ready.body()).contains("refused; the last valid configuration serves").contains("refused_since");

            replace(routes, "routes: [ " + route("/b", second) + " ]\n");
            await(() -> gateway.get("/b/x", null).statusCode() == 200);
            assertThat(gateway.get("/a/gone", null).statusCode()).isEqualTo(404);
            assertThat(gateway.get("/observe/health/ready", null).body()).contains("in force")
                    .doesNotContain("refused_since");
        }
    }

    @Test
    void reloadTrigger_refusesAnInvalidConfig_andLogsKeysThatNeedARestart() throws Exception {
        Path config = RunningGateway.configFile(dir, "store: { type: memory }\nroutes: [ " + route("/a", first)
                + " ]\n");
        try (RunningGateway gateway = RunningGateway.startFrom(config);
                LogCapture log = new LogCapture(ConfigReload.class)) {
            String valid = Files.readString(config);
            replace(config, valid.replace(Fixtures.SECRET, "too-short"));
            assertThat(gateway.server.reload("test")).isEqualTo(ConfigReload.Outcome.REFUSED);
            assertThat(log.await(Level.SEVERE, message -> message.contains("refused")).getMessage())
                    .contains("tokens.keys.0.secret");
            assertThat(gateway.get("/a/x", null).statusCode()).isEqualTo(200);

            replace(config, valid.replace("port: 0 }", "port: 1 }").replace(route("/a", first), route("/b", second))
                    + "upstream: { read-timeout: 7s }\n");
            assertThat(gateway.server.reload("test")).isEqualTo(ConfigReload.Outcome.APPLIED);

            assertThat(gateway.get("/b/x", null).statusCode()).as("served on the old port").isEqualTo(200);
            assertThat(log.await(Level.WARNING, message -> message.contains("server.port changed")).getMessage())
                    .contains("next restart");
            log.await(Level.WARNING, message -> message.contains("upstream.read-timeout changed"));
        }
    }

    @Test
    void turningJwtsOn_isRefused_whenTokensWouldOutliveTheStoresRevocations() throws Exception {
        Path config = RunningGateway.configFile(dir, "store: { type: memory }\nroutes: [ " + route("/a", first)
                + " ]\n");
        try (RunningGateway gateway = RunningGateway.startFrom(config);
                LogCapture log = new LogCapture(ConfigReload.class)) {
            replace(config, Files.readString(config) + "jwt: { keys: [ { algorithm: HS512, secret: \""
                    + JwtMint.HMAC_SECRET + "\" } ] }\n");

            assertThat(gateway.server.reload("test")).isEqualTo(ConfigReload.Outcome.REFUSED);
            assertThat(log.await(Level.SEVERE, message -> message.contains("refused")).getMessage())
                    .contains("restart to turn JWT verification on");
        }
    }

    @Test
    void changedUsers_areApplied_plaintextHashedWithoutAnotherReload_unlistedUsersRemoved() throws Exception {
        String base = "store: { type: memory }\nroutes: [ { prefix: /api, target: \"http://127.0.0.1:"
                + first.port() + "\" } ]\n";
        Path config = RunningGateway.configFile(dir, base + """
                users:
                  - { username: alice, password: wonderland }
                  - { username: carol, password: c4rol }
                """);
        try (RunningGateway gateway = RunningGateway.startFrom(config)) {
            String alice = gateway.login("alice", "wonderland");
            String carol = gateway.login("carol", "c4rol");
            Path rewritten = RunningGateway.configFile(staging.resolve("next"), base + """
                    users:
                      - { username: alice, password: wonderland }
                      - { username: bob, password: builder }
                    """);
            replace(config, Files.readString(rewritten));

            await(() -> gateway.postJson("/auth", "{\"username\":\"bob\",\"password\":\"builder\"}", null)
                    .statusCode() == 200);
            await(() -> !Files.readString(config).contains("builder"));
            assertThat(Files.readString(config)).doesNotContain("wonderland").contains("$argon2id$");
            assertThat(gateway.get("/api/x", carol).statusCode()).as("carol was removed").isEqualTo(401);
            assertThat(gateway.postJson("/auth", "{\"username\":\"carol\",\"password\":\"c4rol\"}", null)
                    .statusCode()).isEqualTo(401);
            assertThat(gateway.get("/api/x", alice).statusCode()).as("alice's password did not change")
                    .isEqualTo(200);

            replace(config, Files.readString(config).replace("prefix: /api", "prefix: /v2"));
            await(() -> gateway.get("/v2/x", alice).statusCode() == 200);
            assertThat(gateway.server.reloadsApplied()).as("rewriting the hashes reloaded nothing").isEqualTo(2);
        }
    }

    private static String route(String prefix, TestBackend backend) {
        return "{ prefix: " + prefix + ", target: \"http://127.0.0.1:" + backend.port() + "\", secure: false }";
    }

    /**
     * Replaces {@code file} as deployment tools do: written elsewhere, then renamed over it in one step (one event
     * in the watched directory, never a half-written file).
     */
    private void replace(Path file, String content) throws IOException {
        Path written = staging.resolve(file.getFileName());
        Files.writeString(written, content);
        Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Waits up to 15 s for {@code condition}; fails the test if it never holds. */
    private static void await(Callable<Boolean> condition) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (condition.call()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the reload did not happen within 15 s");
    }
}
