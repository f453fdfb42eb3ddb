package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.core.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A migration from ProxyAuth as a user makes it (issue 17): ProxyAuth's own files, as its users write them, through
 * {@code config check} and then {@code serve} on the command line, in front of a real backend.
 */
class ProxyAuthMigrationTest {
    private static final Map<String, String> ENV = Map.of("PASSWORDS_ARGON2_MEMORY_dash_KIB", "64",
            "PASSWORDS_ARGON2_ITERATIONS", "1", "STORE_TYPE", "memory");
    /** A config.json as a Windows editor may leave it: byte order mark, tab indentation, CRLF line ends. */
    private static final String TABBED_CONFIG_JSON = "\uFEFF{\r\n"
            + "\t\"token_expiry_seconds\": 3600,\r\n"
            + "\t\"secret\": \"" + Fixtures.SECRET + "\",\r\n"
            + "\t\"users\": [\r\n"
            + "\t\t{ \"username\": \"admin\", \"password\": \"admin123\", \"roles\": [\"admin\"] },\r\n"
            + "\t\t{ \"username\": \"alice\", \"password\": \"wonderland\", \"allow\": [\"10.0.0.0/8\"] }\r\n"
            + "\t],\r\n"
            + "\t\"log\": { \"type\": \"local\" },\r\n"
            + "\t\"token_admin\": \"\",\r\n"
            + "\t\"host\": \"127.0.0.1\",\r\n"
            + "\t\"port\": 0,\r\n"
            + "\t\"ratelimit_auth\": { \"requests_per_second\": 100, \"burst\": 100, \"block_delay\": 0 },\r\n"
            + "\t\"stats\": true,\r\n"
            + "\t\"tls\": false\r\n"
            + "}\r\n";

    @TempDir
    Path dir;
    TestBackend backend;
    Path configJson;
    Path routesYml;
    PortcullisServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void backend() {
        backend = new TestBackend();
        configJson = dir.resolve("config/config.json");
        routesYml = Fixtures.write(dir.resolve("config"), "routes.yml", "routes:\n  - { prefix: /app, target: "
                + "\"http://127.0.0.1:" + backend.port() + "\", secure: true, username: [admin, alice] }\n");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        backend.close();
    }

    /** Item 1: what config check accepts, serve starts with, and the rewrite reads and keeps the file as JSON. */
    @Test
    void tabIndentedConfigJson_withBomAndCrlf_checkSaysOk_andServeStarts_writingOnlyWhatCheckAnnounced()
            throws Exception {
        Files.createDirectories(configJson.getParent());
        Files.writeString(configJson, TABBED_CONFIG_JSON, StandardCharsets.UTF_8);

        Cli.Run check = check();

        assertThat(check.code()).as(check.all()).isZero();
        assertThat(check.out()).isEqualTo(configJson + ": ok: 1 route(s), 2 user(s), store memory\n"
                + "a start writes into " + configJson + ":\n"
                + "  - the Argon2 hash of each plaintext password, in place (admin, alice)\n"
                + "  - token_admin: a random one, generated as ProxyAuth does\n");
        assertThat(Files.readString(configJson)).as("config check writes nothing").isEqualTo(TABBED_CONFIG_JSON);

        serve();

        String written = Files.readString(configJson);
        String token = new ObjectMapper().readTree(written.substring(1)).get("token_admin").asText();
        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(written).startsWith("\uFEFF{\r\n\t\"token_expiry_seconds\": 3600,\r\n")
                .contains("\t\"token_admin\": \"" + token + "\",\r\n", "\t\"tls\": false\r\n}\r\n")
                .doesNotContain("admin123", "wonderland");
        assertThat(written.replaceAll("\"\\$argon2id\\$[^\"]+\"", "\"HASH\"").replace(token, ""))
                .as("every other character kept").isEqualTo(TABBED_CONFIG_JSON
                        .replace("\"admin123\"", "\"HASH\"").replace("\"wonderland\"", "\"HASH\""));
        String login = login("admin", "admin123", null).body();
        HttpResponse<String> proxied = client.send(request("/app/x").header("Authorization", "Bearer "
                + RunningGateway.JSON.readTree(login).get("token").asText()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(proxied.statusCode()).isEqualTo(200);
        backend.next();
        assertThat(client.send(request("/adm/stats").header("X-Auth-Token", token).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        Cli.Run again = check();
        assertThat(again.code()).isZero();
        assertThat(again.out()).isEqualTo(configJson + ": ok: 1 route(s), 2 user(s), store memory\n");
    }

    /** Item 1: the check refuses what serve refuses, with the same problems; item 2 on the command line. */
    @Test
    void checkAndServe_refuseTheSameFiles_withTheSameProblems() throws Exception {
        for (String broken : List.of(
                TABBED_CONFIG_JSON.replace("\"stats\": true", "\"stats\": \"flase\""),
                TABBED_CONFIG_JSON.replace(Fixtures.SECRET, "supersecretvalue"),
                TABBED_CONFIG_JSON.replace("\"tls\": false", "\"tls\": false,\r\n\t\"trusted_proxies\": [\"nginx\"]"))) {
            Files.createDirectories(configJson.getParent());
            Files.writeString(configJson, broken, StandardCharsets.UTF_8);

            Cli.Run check = check();
            Cli.Run serve = Cli.run(Clock.systemUTC(), ENV, "", "serve", "--proxyauth-config", configJson.toString(),
                    "--proxyauth-routes", routesYml.toString());

            assertThat(check.code()).isEqualTo(1);
            assertThat(serve.code()).isEqualTo(2);
            assertThat(serve.cli().server()).isEmpty();
            List<String> checked = check.err().lines().filter(line -> line.startsWith("  - ")).toList();
            List<String> refused = serve.err().lines().filter(line -> line.startsWith("  - ")).toList();
            assertThat(checked).isNotEmpty().isEqualTo(refused);
            assertThat(Files.readString(configJson)).isEqualTo(broken);
        }
    }

    /** Item 3: brute-force protection off is said by config check and at every start. */
    @Test
    void loginLimitOff_isWarnedByCheck_andAtStartup() throws Exception {
        Fixtures.write(configJson.getParent(), "config.json", TABBED_CONFIG_JSON
                .replace("\"requests_per_second\": 100", "\"requests_per_second\": 0"));
        String warning = "config.json: ratelimit_auth.requests_per_second: logins are not rate-limited (0 requests a "
                + "second), so passwords can be guessed as fast as Argon2 allows";

        Cli.Run check = check();
        try (LogCapture log = new LogCapture(PortcullisServer.class)) {
            serve();
            log.await(Level.WARNING, message -> message.startsWith(warning));
        }

        assertThat(check.code()).isZero();
        assertThat(check.err()).startsWith("warning: " + warning);
    }

    /**
     * Item 4: behind a proxy the gateway does not trust, users' allow lists see the proxy's address. That is said
     * once, naming the peer and the setting; ProxyAuth's file takes Portcullis's {@code trusted_proxies} key.
     */
    @Test
    void forwardedForFromAnUntrustedPeer_isWarnedOnce_andTrustedProxiesInConfigJsonFixesIt() throws Exception {
        Fixtures.write(configJson.getParent(), "config.json", TABBED_CONFIG_JSON);
        try (LogCapture log = new LogCapture(UntrustedForwarding.class)) {
            serve();
            assertThat(login("alice", "wonderland", "10.1.2.3").statusCode()).isEqualTo(401);
            assertThat(login("alice", "wonderland", "10.1.2.4").statusCode()).isEqualTo(401);

            LogRecord warning = log.await(Level.WARNING, message -> message.startsWith(
                    "requests arrive from 127.0.0.1 with X-Forwarded-For, but trusted-proxies does not list that "
                            + "peer"));
            assertThat(warning.getMessage()).contains("TRUSTED_dash_PROXIES=127.0.0.1/32",
                    "\"trusted_proxies\": [\"127.0.0.1/32\"]").doesNotContain("10.1.2.3");
            assertThat(log.records()).hasSize(1);
            server.close();

            Fixtures.write(configJson.getParent(), "config.json", Files.readString(configJson)
                    .replace("\t\"tls\": false\r\n", "\t\"tls\": false,\r\n\t\"trusted_proxies\": [\"127.0.0.1/32\"]\r\n"));
            serve();
            assertThat(login("alice", "wonderland", "10.1.2.3").statusCode()).isEqualTo(200);
            assertThat(log.records()).hasSize(1);
        }
    }

    /** Item 5: ProxyAuth generates a missing token_admin into config.json; the log says where, never the value. */
    @Test
    void absentTokenAdmin_isGeneratedIntoConfigJson_theLogSaysWhere_neverTheValue() throws Exception {
        Fixtures.write(configJson.getParent(), "config.json", TABBED_CONFIG_JSON
                .replace("\t\"token_admin\": \"\",\r\n", ""));

        String said = "config.json: token_admin had no value, so a random one was generated (as ProxyAuth does) and "
                + "written into " + configJson.toRealPath() + "; read it there";
        List<LogRecord> records;
        try (LogCapture log = new LogCapture(PortcullisServer.class)) {
            serve();
            log.await(Level.INFO, said::equals);
            records = log.records();
        }

        String token = new ObjectMapper().readTree(Files.readString(configJson).substring(1)).get("token_admin")
                .asText();
        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(Files.readString(configJson)).endsWith("\t\"tls\": false,\r\n\t\"token_admin\": \"" + token
                + "\"\r\n}\r\n");
        assertThat(records).noneSatisfy(record -> assertThat(record.getMessage()).contains(token));
        HttpResponse<String> revoke = client.send(request("/adm/revoke").header("X-Auth-Token", token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token_id\":\"" + "0".repeat(32) + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoke.statusCode()).isEqualTo(200);
    }

    private Cli.Run check() {
        return Cli.run(Clock.systemUTC(), ENV, "", "config", "check", "--proxyauth-config", configJson.toString(),
                "--proxyauth-routes", routesYml.toString());
    }

    private void serve() {
        Cli.Run serve = Cli.run(Clock.systemUTC(), ENV, "", "serve", "--proxyauth-config", configJson.toString(),
                "--proxyauth-routes", routesYml.toString());
        assertThat(serve.code()).as(serve.all()).isZero();
        server = serve.cli().server().orElseThrow();
    }

    private HttpResponse<String> login(String username, String password, String forwardedFor) throws Exception {
        HttpRequest.Builder login = request("/auth").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\",\"password\":\""
                        + password + "\"}"));
        if (forwardedFor != null) {
            login.header("X-Forwarded-For", forwardedFor);
        }
        return client.send(login.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
    }
}
