package io.portcullis.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.core.Fixtures;
import io.portcullis.core.User;
import io.portcullis.core.memory.InMemoryUsers;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.Passwords;
import io.portcullis.core.port.UserDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a start writes back into its configuration file: hashed passwords and ProxyAuth's generated token_admin. */
class ConfigRewriteTest {
    private static final UserDirectory NO_STORED_USERS = username -> Optional.empty();
    private static final String ROUTES_YML = "routes:\n  - { prefix: /app, target: \"http://127.0.0.1:1\", "
            + "secure: true, username: [admin] }\n";

    private final Passwords passwords = new Passwords(new Argon2Params(64, 1, 1));

    @TempDir
    Path dir;

    @Test
    void yaml_replacesOnlyPasswordValues_keepingEveryOtherByte() throws Exception {
        String original = Fixtures.baseYaml() + """
                # the team
                users:
                  - username: alice   # admin
                    password: correct horse
                    roles: [admin]
                  - { username: bob, password: 'b0b''s', allow: [10.0.0.0/8] }
                  - username: carol
                    password: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA"
                # kept: trailing
                """;
        Path file = Fixtures.write(dir, "portcullis.yaml", original);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        GatewayConfig config = ConfigLoader.load(file, Map.of());

        List<User> users = ConfigRewrite.ofYaml(file, config).apply(passwords, NO_STORED_USERS).users();

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
    void plaintextTheStoredHashVerifies_keepsThatHash_inTheFileToo() throws Exception {
        String stored = passwords.hash("same".toCharArray());
        Path file = Fixtures.write(dir, "portcullis.yaml", Fixtures.baseYaml()
                + "users: [ { username: alice, password: same }, { username: bob, password: changed } ]\n");
        InMemoryUsers registry = new InMemoryUsers(List.of(new User("alice", stored, List.of(), List.of()),
                new User("bob", stored, List.of(), List.of())));

        List<User> users = ConfigRewrite.ofYaml(file, ConfigLoader.load(file, Map.of())).apply(passwords, registry)
                .users();

        assertThat(users.get(0).passwordHash()).isEqualTo(stored);
        assertThat(users.get(1).passwordHash()).isNotEqualTo(stored);
        assertThat(passwords.verify(users.get(1).passwordHash(), "changed".toCharArray())).isTrue();
        assertThat(Files.readString(file)).contains("password: \"" + stored + "\"")
                .contains("password: \"" + users.get(1).passwordHash() + "\"");
    }

    @Test
    void allHashed_nothingPending_fileUntouched() throws Exception {
        Path file = Fixtures.write(dir, "p.yaml", Fixtures.baseYaml()
                + "users: [ { username: carol, password: \"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA\" } ]\n");
        var modified = Files.getLastModifiedTime(file);
        ConfigRewrite rewrite = ConfigRewrite.ofYaml(file, ConfigLoader.load(file, Map.of()));

        ConfigRewrite.Applied applied = rewrite.apply(passwords, NO_STORED_USERS);

        assertThat(rewrite.pending()).isEmpty();
        assertThat(applied.written()).isEmpty();
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
    }

    @Test
    void passwordFromEnvironment_isHashedInMemoryOnly_andSaidSo() throws Exception {
        String text = Fixtures.baseYaml() + "users: [ { username: dave, password: \"${DAVE_PASSWORD}\" } ]\n";
        Path file = Fixtures.write(dir, "p.yaml", text);
        ConfigRewrite rewrite = ConfigRewrite.ofYaml(file, ConfigLoader.load(file, Map.of("DAVE_PASSWORD",
                "from-env")));

        List<User> users = rewrite.apply(passwords, NO_STORED_USERS).users();

        assertThat(rewrite.pending()).singleElement().asString().startsWith("nothing for dave: ");
        assertThat(passwords.verify(users.getFirst().passwordHash(), "from-env".toCharArray())).isTrue();
        assertThat(Files.readString(file)).isEqualTo(text);
    }

    @Test
    void usersFile_isTheFileRewritten() throws Exception {
        Path usersFile = Fixtures.write(dir, "users.yaml", "users:\n  - username: erin\n    password: s3cret\n");
        Path configFile = Fixtures.write(dir, "portcullis.yaml", Fixtures.baseYaml() + "users-file: users.yaml\n");
        ConfigRewrite rewrite = ConfigRewrite.ofYaml(configFile, ConfigLoader.load(configFile, Map.of()));

        rewrite.apply(passwords, NO_STORED_USERS);

        assertThat(rewrite.file()).isEqualTo(usersFile.toAbsolutePath());
        assertThat(Files.readString(usersFile)).startsWith("users:\n  - username: erin\n    password: \"$argon2id$");
    }

    /**
     * ProxyAuth reads config.json with serde_json, so a tab-indented file with CRLF line ends is as good as any; a
     * UTF-8 byte order mark is what some Windows editors write. The rewrite reads it as JSON too, and keeps all of it.
     */
    @Test
    void proxyAuthJson_tabsCrlfAndBom_loadNothingWritten_thenStartWritesOnlyTheValues() throws Exception {
        String original = "\uFEFF{\r\n"
                + "\t\"token_expiry_seconds\": 3600,\r\n"
                + "\t\"secret\": \"" + Fixtures.SECRET + "\",\r\n"
                + "\t\"users\": [\r\n"
                + "\t\t{ \"username\": \"admin\", \"password\": \"adm\\u0069n123\", \"roles\": [\"admin\"] },\r\n"
                + "\t\t{\r\n\t\t\t\"username\": \"alice\",\r\n\t\t\t\"password\": \"w\\\"onder\\tland\"\r\n\t\t}\r\n"
                + "\t],\r\n"
                + "\t\"log\": { \"type\": \"local\" },\r\n"
                + "\t\"token_admin\": \"\",\r\n"
                + "\t\"tls\": false\r\n"
                + "}\r\n";
        Path json = Fixtures.write(dir, "config.json", original);
        Path yml = Fixtures.write(dir, "routes.yml", ROUTES_YML);

        ProxyAuthFiles.Loaded loaded = ProxyAuthFiles.load(json, yml, Map.of());

        assertThat(Files.readString(json)).as("reading writes nothing").isEqualTo(original);
        assertThat(loaded.rewrite().pending()).containsExactly(
                "the Argon2 hash of each plaintext password, in place (admin, alice)",
                "token_admin: a random one, generated as ProxyAuth does");
        String token = loaded.config().proxyAuth().orElseThrow().adminToken().orElseThrow();

        ConfigRewrite.Applied applied = loaded.rewrite().apply(passwords, NO_STORED_USERS);

        String expected = original
                .replace("\"adm\\u0069n123\"", "\"" + applied.users().get(0).passwordHash() + "\"")
                .replace("\"w\\\"onder\\tland\"", "\"" + applied.users().get(1).passwordHash() + "\"")
                .replace("\"token_admin\": \"\"", "\"token_admin\": \"" + token + "\"");
        assertThat(Files.readString(json, StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(passwords.verify(applied.users().get(1).passwordHash(), "w\"onder\tland".toCharArray())).isTrue();
        assertThat(applied.written()).hasSize(2).allSatisfy(line -> assertThat(line).doesNotContain(token));
        ProxyAuthFiles.Loaded again = ProxyAuthFiles.load(json, yml, Map.of());
        assertThat(again.rewrite().pending()).isEmpty();
        assertThat(again.config().proxyAuth().orElseThrow().adminToken()).contains(token);
    }

    @Test
    void proxyAuthJson_withoutTokenAdmin_getsOne_asItsLastMember_laidOutLikeTheOthers() throws Exception {
        String original = "{\r\n\t\"token_expiry_seconds\": 3600,\r\n\t\"secret\": \"" + Fixtures.SECRET + "\",\r\n"
                + "\t\"users\": [ { \"username\": \"admin\", \"password\": \"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ"
                + "$aGFzaA\" } ],\r\n\t\"tls\": false\r\n}\r\n";
        Path json = Fixtures.write(dir, "config.json", original);

        ProxyAuthFiles.Loaded loaded = ProxyAuthFiles.load(json, Fixtures.write(dir, "routes.yml", ROUTES_YML),
                Map.of());
        loaded.rewrite().apply(passwords, NO_STORED_USERS);

        String token = loaded.config().proxyAuth().orElseThrow().adminToken().orElseThrow();
        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(Files.readString(json)).isEqualTo(original.replace("\t\"tls\": false\r\n",
                "\t\"tls\": false,\r\n\t\"token_admin\": \"" + token + "\"\r\n"));
    }

    @Test
    void proxyAuthJson_onOneLine_nullTokenAdmin_isReplaced() throws Exception {
        String original = "{\"token_expiry_seconds\": 3600, \"secret\": \"" + Fixtures.SECRET + "\", \"users\": "
                + "[{\"username\": \"admin\", \"password\": \"admin123\"}], \"token_admin\": null, \"tls\": false}";
        Path json = Fixtures.write(dir, "config.json", original);

        ProxyAuthFiles.Loaded loaded = ProxyAuthFiles.load(json, Fixtures.write(dir, "routes.yml", ROUTES_YML),
                Map.of());
        List<User> users = loaded.rewrite().apply(passwords, NO_STORED_USERS).users();

        String token = loaded.config().proxyAuth().orElseThrow().adminToken().orElseThrow();
        assertThat(Files.readString(json)).isEqualTo(original
                .replace("\"admin123\"", "\"" + users.getFirst().passwordHash() + "\"")
                .replace("null", "\"" + token + "\""));
        JsonNode after = new ObjectMapper().readTree(Files.readString(json));
        assertThat(after.get("token_admin").asText()).isEqualTo(token);
    }

    @Test
    void fileEditedBetweenLoadAndStart_isNotOverwritten() throws Exception {
        Path file = Fixtures.write(dir, "portcullis.yaml", Fixtures.baseYaml()
                + "users: [ { username: alice, password: first } ]\n");
        ConfigRewrite rewrite = ConfigRewrite.ofYaml(file, ConfigLoader.load(file, Map.of()));
        String edited = Fixtures.baseYaml() + "users: [ { username: alice, password: second } ]\n";
        Files.writeString(file, edited);

        ConfigRewrite.Applied applied = rewrite.apply(passwords, NO_STORED_USERS);

        assertThat(Files.readString(file)).isEqualTo(edited);
        assertThat(applied.written()).isEmpty();
    }
}
