package io.portcullis.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.Fixtures;
import io.portcullis.core.config.UsersFile.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileTest {
    private static final String HASH = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA";
    private static final String OTHER_HASH = "$argon2id$v=19$m=64,t=1,p=1$b3RoZXJzYWx0$b3RoZXI";
    private static final String BLOCK = """
            # the team
            users:
              - username: alice   # admin
                password: "%s"
                roles:
                  - admin
              # bob is on leave
              - { username: bob, password: '%s', allow: [10.0.0.0/8] }
            routes: [ { prefix: /api, target: "http://127.0.0.1:9000" } ]   # trailing
            """.formatted(HASH, HASH);

    @TempDir
    Path dir;

    @Test
    void add_toBlockList_appendsOneLineAndKeepsEveryOtherByte() throws Exception {
        Path file = write(BLOCK);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        UsersFile.at(file).add("carol", OTHER_HASH, List.of("dev", "ops:read"));

        String expected = BLOCK.replace("allow: [10.0.0.0/8] }\n", "allow: [10.0.0.0/8] }\n"
                + "  - { username: carol, password: \"" + OTHER_HASH + "\", roles: [dev, \"ops:read\"] }\n");
        assertThat(Files.readString(file)).isEqualTo(expected);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        GatewayConfig config = ConfigLoader.load(withKey(file), Map.of());
        assertThat(config.users()).extracting(GatewayConfig.UserEntry::username).containsExactly("alice", "bob",
                "carol");
        assertThat(config.users().get(2).roles()).containsExactly("dev", "ops:read");
        assertThat(config.users().get(2).password()).isEqualTo(OTHER_HASH);
    }

    @Test
    void add_toFlowList_andToFileWithoutUsers_andToMissingFile() throws Exception {
        Path flow = write("users: [ { username: alice, password: x } ]  # inline\n");
        UsersFile.at(flow).add("yes", HASH, List.of());
        assertThat(Files.readString(flow)).isEqualTo("users: [ { username: alice, password: x }, "
                + "{ username: \"yes\", password: \"" + HASH + "\" } ]  # inline\n");

        Path none = Fixtures.write(dir, "none.yaml", "# nothing yet\nserver: { port: 8080 }");
        UsersFile.at(none).add("bob", HASH, List.of("dev"));
        assertThat(Files.readString(none)).isEqualTo("# nothing yet\nserver: { port: 8080 }\nusers:\n"
                + "  - { username: bob, password: \"" + HASH + "\", roles: [dev] }\n");

        Path missing = dir.resolve("new-users.yaml");
        UsersFile.at(missing).add("dave", HASH, List.of());
        assertThat(UsersFile.at(missing).entries()).containsExactly(new Entry("dave", HASH, List.of()));
        assertThat(Files.getPosixFilePermissions(missing)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void setPassword_andSetRoles_changeOnlyThatUser() throws Exception {
        Path file = write(BLOCK);
        UsersFile users = UsersFile.at(file);

        users.setPassword("bob", OTHER_HASH);
        users.setRoles("alice", List.of("admin", "dev"));
        users.setRoles("bob", List.of("dev"));

        assertThat(Files.readString(file)).isEqualTo(BLOCK
                .replace("'" + HASH + "'", "\"" + OTHER_HASH + "\"")
                .replace("allow: [10.0.0.0/8] }", "allow: [10.0.0.0/8], roles: [dev] }")
                .replace("    roles:\n      - admin\n", "    roles:\n      [admin, dev]\n"));
        assertThat(users.entries()).containsExactly(
                new Entry("alice", HASH, List.of("admin", "dev")),
                new Entry("bob", OTHER_HASH, List.of("dev")));
    }

    @Test
    void setRoles_onBlockMappingWithoutRoles_addsTheKeyAtItsIndent() throws Exception {
        Path file = write("users:\n  - username: alice\n    password: x   # plaintext\nroutes: []\n");

        UsersFile.at(file).setRoles("alice", List.of());

        assertThat(Files.readString(file))
                .isEqualTo("users:\n  - username: alice\n    password: x   # plaintext\n    roles: []\nroutes: []\n");
    }

    @Test
    void remove_fromBlockAndFlowLists() throws Exception {
        Path file = write(BLOCK);
        UsersFile.at(file).remove("alice");
        assertThat(Files.readString(file)).isEqualTo(BLOCK.replace(
                "  - username: alice   # admin\n    password: \"" + HASH + "\"\n    roles:\n      - admin\n", ""));
        UsersFile.at(file).remove("bob");
        assertThat(UsersFile.at(file).entries()).isEmpty();
        assertThat(Files.readString(file)).contains("users:\n  # bob is on leave\n  []\nroutes:");

        Path flow = write("users: [ {username: a, password: x}, {username: b, password: y}, {username: c, "
                + "password: z} ]\n");
        UsersFile.at(flow).remove("b");
        UsersFile.at(flow).remove("c");
        assertThat(Files.readString(flow)).isEqualTo("users: [ {username: a, password: x} ]\n");
    }

    @Test
    void refusals_leaveTheFileAlone() throws Exception {
        Path file = write(BLOCK);
        UsersFile users = UsersFile.at(file);

        assertThatThrownBy(() -> users.add("alice", HASH, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already");
        assertThatThrownBy(() -> users.setPassword("zoe", HASH)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no user 'zoe'");
        Path withUsersFile = Fixtures.write(dir, "main.yaml", "users-file: users.yaml\n");
        assertThatThrownBy(() -> UsersFile.at(withUsersFile).add("a", HASH, List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("users-file");
        Path literal = Fixtures.write(dir, "literal.yaml", "users:\n  - username: a\n    password: |\n      x\n");
        assertThatThrownBy(() -> UsersFile.at(literal).setPassword("a", HASH))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("by hand");
        assertThat(Files.readString(file)).isEqualTo(BLOCK);
        assertThat(Files.readString(literal)).isEqualTo("users:\n  - username: a\n    password: |\n      x\n");
    }

    private Path write(String yaml) {
        return Fixtures.write(dir, "users-" + System.nanoTime() + ".yaml", yaml);
    }

    /** The edited file as a whole config: the base's key and Argon2 settings, then the file's own text. */
    private Path withKey(Path file) throws Exception {
        return Fixtures.write(dir, "whole.yaml", Fixtures.baseYaml() + Files.readString(file));
    }
}
