package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config check}: every problem with its key and exit 1, or a summary and exit 0; nothing is written. */
class CliConfigCheckTest {
    @TempDir
    Path dir;

    @Test
    void brokenFile_listsEveryProblemWithItsKey_andExits1() {
        Path file = Fixtures.write(dir, "broken.yaml", """
                tokens: { keys: [ { id: k1, secret: too-short } ] }
                users: [ { username: alice, password: x, roles: [no/slash] } ]
                store: { type: sqlite }
                routes:
                  - { prefix: /api, target: "http://127.0.0.1:9000", secrue: false }
                  - { prefix: /b, target: "http://127.0.0.1:9001", users: [] }
                cors: { origins: ["*"] }
                """);

        Cli.Run run = Cli.run("", "config", "check", file.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith(file + ": 6 problems:\n")
                .contains("  - tokens.keys.0.secret: ", "  - users.0.roles: 'no/slash' is not a role name",
                        "  - store.type: ", "  - routes.0.secrue: unknown key", "  - routes.1.users: ",
                        "  - cors.origins")
                .doesNotContain("too-short");
        assertThat(run.err().lines().filter(line -> line.startsWith("  - ")).count()).isEqualTo(6);
    }

    @Test
    void unsetVariable_isAProblemNamingTheKey_andTheEnvironmentIsUsed() {
        Path file = Fixtures.write(dir, "env.yaml", """
                tokens: { keys: [ { id: k1, secret: "${TOKEN_SECRET}" } ] }
                routes: [ { prefix: /api, target: "http://127.0.0.1:9000" } ]
                """);

        Cli.Run unset = Cli.run("", "config", "check", file.toString());
        Cli.Run set = Cli.run(Clock.systemUTC(), Map.of("TOKEN_SECRET", Fixtures.SECRET), "",
                "config", "check", file.toString());

        assertThat(unset.code()).isEqualTo(1);
        assertThat(unset.err()).contains("tokens.keys.0.secret: refers to ${TOKEN_SECRET}, which is not set");
        assertThat(set.code()).isZero();
        assertThat(set.out()).isEqualTo(file + ": ok: 1 route(s), 0 user(s), store embedded\n");
    }

    @Test
    void validFile_summarises_withoutHashingOrCreatingAnything() throws Exception {
        Path file = RunningGateway.configFile(dir, """
                users: [ { username: alice, password: wonderland } ]
                routes: [ { prefix: /api, target: "http://127.0.0.1:9000" } ]
                """);
        String before = Files.readString(file);

        Cli.Run run = Cli.run("", "config", "check", file.toString());

        assertThat(run.code()).isZero();
        assertThat(run.out()).isEqualTo(file + ": ok: 1 route(s), 1 user(s), store embedded\n"
                + "a start writes into " + file + ":\n"
                + "  - the Argon2 hash of each plaintext password, in place (alice)\n");
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void anUnreadableListenerKey_isAProblemNamingServerTls_asAtStartup() {
        Path file = RunningGateway.configFile(dir, """
                routes: [ { prefix: /api, target: "http://127.0.0.1:9000" } ]
                server: { tls: { private-key: { pem: { key: { resource: { path: missing-key.pem } },
                                                       cert-chain: { resource: { path: missing-cert.pem } } } } } }
                """);

        Cli.Run run = Cli.run("", "config", "check", file.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith(file + ": 1 problem:\n")
                .contains("  - server.tls: the listener's key and certificate cannot be used");
    }

    @Test
    void missingFileOrArgument() {
        Cli.Run missing = Cli.run("", "config", "check", dir.resolve("nope.yaml").toString());
        Cli.Run noArgument = Cli.run("", "config", "check");

        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("config file: cannot read");
        assertThat(noArgument.code()).isEqualTo(2);
    }
}
