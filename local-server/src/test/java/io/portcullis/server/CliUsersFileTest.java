package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Fixtures;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.Passwords;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hash-password} and {@code users ... --file}, end to end: the server then logs the users in. */
class CliUsersFileTest {
    private static final String CONFIG = """
            # the team, kept by hand and by portcullis users
            users:
              - username: alice   # the admin
                password: wonderland
                roles: [admin]
            rate-limits: { auth: { requests-per-second: 100, burst: 100 } }
            """;

    @TempDir
    Path dir;

    @Test
    void hashPassword_readsStandardInput_andPrintsAHashOfIt() {
        Path config = RunningGateway.configFile(dir, "");

        Cli.Run fast = Cli.run("s3cret pass\n", "hash-password", "--config", config.toString());
        Cli.Run defaults = Cli.run("s3cret pass\r\n", "hash-password");

        assertThat(fast.code()).isZero();
        String hash = fast.out().strip();
        assertThat(hash).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
        assertThat(new Passwords(Argon2Params.DEFAULT).verify(hash, "s3cret pass".toCharArray())).isTrue();
        assertThat(defaults.out()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(new Passwords(Argon2Params.DEFAULT).verify(defaults.out().strip(), "s3cret pass".toCharArray()))
                .as("the CR of a CRLF line is not part of the password").isTrue();
        assertThat(fast.all() + defaults.all()).doesNotContain("s3cret");
    }

    @Test
    void hashPassword_withoutAPassword_failsWithExitCode1() {
        Cli.Run none = Cli.run("", "hash-password");
        Cli.Run empty = Cli.run("\n", "hash-password");

        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no password");
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("the password is empty");
        assertThat(none.out() + empty.out()).isEmpty();
    }

    @Test
    void usersAdd_toTheConfigFile_keepsItsComments_andTheServerLogsTheUserIn() throws Exception {
        Path config = RunningGateway.configFile(dir, CONFIG);

        Cli.Run added = Cli.run("bu1lder!\n", "users", "add", "bob", "--role", "dev,ops", "--file", config.toString());

        assertThat(added.code()).isZero();
        assertThat(added.out()).contains("added user bob to " + config);
        String text = Files.readString(config);
        assertThat(text).contains("# the team, kept by hand", "- username: alice   # the admin",
                "- { username: bob, password: \"$argon2id$v=19$m=64,t=1,p=1$", "roles: [dev, ops] }");
        assertThat(text + added.all()).doesNotContain("bu1lder");
        try (RunningGateway gateway = RunningGateway.startFrom(config)) {
            String token = gateway.login("bob", "bu1lder!");
            Cli.Run inspected = Cli.run(token + "\n", "token", "inspect", "--config", config.toString());
            assertThat(RunningGateway.JSON.readTree(inspected.out()).get("roles").toString())
                    .isEqualTo("[\"dev\",\"ops\"]");
            gateway.login("alice", "wonderland");
        }
    }

    @Test
    void passwdRolesRemove_onAUsersFile_takeEffectAtTheNextStart() throws Exception {
        Path users = Fixtures.write(dir, "users.yaml", "users:\n  - { username: carol, password: old-one }\n");
        Path config = RunningGateway.configFile(dir, "users-file: users.yaml\n"
                + "rate-limits: { auth: { requests-per-second: 100, burst: 100 } }\n");
        assertThat(Cli.run("x\n", "users", "add", "dave", "--file", users.toString()).code()).isZero();

        assertThat(Cli.run("new-one\n", "users", "passwd", "carol", "--file", users.toString()).code()).isZero();
        assertThat(Cli.run("", "users", "roles", "carol", "auditor", "admin", "--file", users.toString()).code())
                .isZero();
        assertThat(Cli.run("", "users", "remove", "dave", "--file", users.toString()).code()).isZero();

        assertThat(Files.readString(users)).doesNotContain("old-one", "dave").contains("roles: [auditor, admin]");
        try (RunningGateway gateway = RunningGateway.startFrom(config)) {
            assertThat(gateway.postJson("/auth", "{\"username\":\"carol\",\"password\":\"old-one\"}", null)
                    .statusCode()).isEqualTo(401);
            assertThat(gateway.postJson("/auth", "{\"username\":\"dave\",\"password\":\"x\"}", null)
                    .statusCode()).isEqualTo(401);
            String token = gateway.login("carol", "new-one");
            assertThat(gateway.postJson("/admin/revoke", "{\"user\":\"nobody\"}", token).statusCode())
                    .as("carol's token carries her new role admin").isEqualTo(204);
        }
    }

    @Test
    void refusals_andUsageErrors_haveTheirExitCodes_andLeaveTheFileAlone() throws Exception {
        Path config = RunningGateway.configFile(dir, CONFIG);
        String before = Files.readString(config);
        String file = config.toString();

        Cli.Run duplicate = Cli.run("pw\n", "users", "add", "alice", "--file", file);
        Cli.Run unknown = Cli.run("pw\n", "users", "passwd", "zoe", "--file", file);
        Cli.Run passwordArgument = Cli.run("", "users", "add", "eve", "--password", "pw", "--file", file);
        Cli.Run badName = Cli.run("pw\n", "users", "add", "has space", "--file", file);
        Cli.Run badRole = Cli.run("pw\n", "users", "roles", "alice", "no/slash", "--file", file);
        Cli.Run noTarget = Cli.run("pw\n", "users", "add", "eve");
        Cli.Run twoTargets = Cli.run("pw\n", "users", "add", "eve", "--file", file, "--config", file);
        Cli.Run noCommand = Cli.run("", "users", "frobnicate");

        assertThat(duplicate.code()).isEqualTo(1);
        assertThat(duplicate.err()).contains("portcullis: user 'alice' is already in");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no user 'zoe'");
        assertThat(passwordArgument.code()).isEqualTo(2);
        assertThat(passwordArgument.err()).contains("portcullis: unknown option --password\n")
                .contains("See 'portcullis users add --help'").doesNotContain("pw");
        assertThat(badName.code()).isEqualTo(2);
        assertThat(badName.err()).contains("USERNAME must be 1 to 128 visible ASCII characters");
        assertThat(badRole.code()).isEqualTo(2);
        assertThat(badRole.err()).contains("'no/slash' is not a role name");
        assertThat(noTarget.code()).isEqualTo(2);
        assertThat(noTarget.err()).contains("--file=FILE | --config=FILE");
        assertThat(twoTargets.code()).isEqualTo(2);
        assertThat(noCommand.code()).isEqualTo(2);
        assertThat(Files.readString(config)).isEqualTo(before);
    }
}
