package io.portcullis.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Fixtures;
import io.portcullis.core.User;
import io.portcullis.core.memory.InMemoryUsers;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.Passwords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaintextPasswordsTest {
    private final Passwords passwords = new Passwords(new Argon2Params(64, 1, 1));

    @TempDir
    Path dir;

    @Test
    void hashAndRewrite_replacesOnlyPasswordValues_keepingEveryOtherByte() throws Exception {
        String original = Fixtures.baseYaml() + """
                # the team
                users:
                  - username: alice   # admin
                    password: correct horse
                    roles: [admin]
                  - { username: bob, password: 'b0b''s', allow: [10.0.0.0/8] }
                  - username: carol
                    password: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA"
                extra-comment: "kept"   # trailing
                """.replace("extra-comment: \"kept\"   # trailing\n", "# kept: trailing\n");
        Path file = Fixtures.write(dir, "portcullis.yaml", original);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        GatewayConfig config = ConfigLoader.load(file, Map.of());

        List<User> users = PlaintextPasswords.hashAndRewrite(config.users(), file, passwords);

        String rewritten = Files.readString(file);
        assertThat(rewritten).doesNotContain("correct horse").doesNotContain("b0b");
        assertThat(users.get(0).passwordHash()).startsWith("$argon2id$");
        assertThat(passwords.verify(users.get(0).passwordHash(), "correct horse".toCharArray())).isTrue();
        assertThat(passwords.verify(users.get(1).passwordHash(), "b0b's".toCharArray())).isTrue();
        String expected = original
                .replace("correct horse", "\"" + users.get(0).passwordHash() + "\"")
                .replace("'b0b''s'", "\"" + users.get(1).passwordHash() + "\"");
        assertThat(rewritten).isEqualTo(expected);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(Files.list(dir)).containsExactly(file);
        assertThat(ConfigLoader.load(file, Map.of()).users()).allMatch(GatewayConfig.UserEntry::hashed);
    }

    @Test
    void hashAndRewrite_plaintextTheStoredHashVerifies_keepsThatHash_inTheFileToo() throws Exception {
        String stored = passwords.hash("same".toCharArray());
        Path file = Fixtures.write(dir, "portcullis.yaml", Fixtures.baseYaml()
                + "users: [ { username: alice, password: same }, { username: bob, password: changed } ]\n");
        InMemoryUsers registry = new InMemoryUsers(List.of(new User("alice", stored, List.of(), List.of()),
                new User("bob", stored, List.of(), List.of())));

        List<User> users = PlaintextPasswords.hashAndRewrite(ConfigLoader.load(file, Map.of()).users(), file,
                passwords, registry);

        assertThat(users.get(0).passwordHash()).isEqualTo(stored);
        assertThat(users.get(1).passwordHash()).isNotEqualTo(stored);
        assertThat(passwords.verify(users.get(1).passwordHash(), "changed".toCharArray())).isTrue();
        assertThat(Files.readString(file)).contains("password: \"" + stored + "\"")
                .contains("password: \"" + users.get(1).passwordHash() + "\"");
    }

    @Test
    void hashAndRewrite_allHashed_leavesFileUntouched() throws Exception {
        Path file = Fixtures.write(dir, "p.yaml", Fixtures.baseYaml()
                + "users: [ { username: carol, password: \"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA\" } ]\n");
        var modified = Files.getLastModifiedTime(file);

        PlaintextPasswords.hashAndRewrite(ConfigLoader.load(file, Map.of()).users(), file, passwords);

        assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
    }

    @Test
    void hashAndRewrite_passwordFromEnvironment_isHashedInMemoryOnly() throws Exception {
        String text = Fixtures.baseYaml() + "users: [ { username: dave, password: \"${DAVE_PASSWORD}\" } ]\n";
        Path file = Fixtures.write(dir, "p.yaml", text);

        List<User> users = PlaintextPasswords.hashAndRewrite(
                ConfigLoader.load(file, Map.of("DAVE_PASSWORD", "from-env")).users(), file, passwords);

        assertThat(passwords.verify(users.getFirst().passwordHash(), "from-env".toCharArray())).isTrue();
        assertThat(Files.readString(file)).isEqualTo(text);
    }

    @Test
    void hashAndRewrite_usersFile_isTheFileRewritten() throws Exception {
        Path usersFile = Fixtures.write(dir, "users.yaml", "users:\n  - username: erin\n    password: s3cret\n");
        GatewayConfig config = Fixtures.config(dir, "users-file: users.yaml\n");

        PlaintextPasswords.hashAndRewrite(config.users(), config.usersFile().orElseThrow(), passwords);

        assertThat(Files.readString(usersFile)).startsWith("users:\n  - username: erin\n    password: \"$argon2id$");
    }

    @Test
    void rewrite_jsonFile_staysValidJson() throws Exception {
        Path file = Fixtures.write(dir, "config.json", """
                {
                  "token_expiry_seconds": 3600,
                  "users": [ { "username": "admin", "password": "admin123", "roles": ["admin"] } ],
                  "timezone": "Europe/Paris"
                }
                """);

        PlaintextPasswords.rewrite(file, Map.of("admin", "admin123"), Map.of("admin", "$argon2id$v=19$x"));

        assertThat(Files.readString(file)).contains("\"password\": \"$argon2id$v=19$x\"")
                .contains("\"timezone\": \"Europe/Paris\"");
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
    }
}
