package io.portcullis.core;

import static io.portcullis.core.HostileClientsTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.memory.InMemoryRateLimiter;
import io.portcullis.core.memory.InMemoryRevocations;
import io.portcullis.core.memory.InMemoryUsers;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.Passwords;
import io.portcullis.core.port.UserRegistry;
import io.portcullis.core.totp.Base32;
import io.portcullis.core.totp.Totp;
import io.portcullis.core.totp.TotpAlgorithm;
import io.portcullis.core.totp.TotpSecrets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TOTP enrolment racing an administrator (issue 16, item 11): a change made between the enrolment's read of the
 * user and its write (a removal, a new password, a role taken away, a provisioned secret) must stand. The registry
 * here makes that change right after the enrolment reads the user, every time, so the race is deterministic.
 */
class TotpEnrolmentRaceTest {
    private static final Passwords PASSWORDS = new Passwords(new Argon2Params(64, 1, 1));
    private static final String HASH = PASSWORDS.hash("a".toCharArray());
    private static final Totp TOTP = new Totp(TotpAlgorithm.SHA1, 6);

    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private final InMemoryUsers users = new InMemoryUsers(List.of(new User("alice", HASH, List.of("admin", "ops"),
            List.of())));
    /** What "an administrator" does right after the next read of alice. */
    private Optional<Consumer<UserRegistry>> meanwhile = Optional.empty();
    private Gateway gateway;
    private String token;

    @BeforeEach
    void setUp() {
        UserRegistry racing = new UserRegistry() {
            @Override
            public Optional<User> findUser(String username) {
                Optional<User> read = users.findUser(username);
                meanwhile.ifPresent(change -> change.accept(users));
                meanwhile = Optional.empty();
                return read;
            }

            @Override
            public void saveUser(User user) {
                users.saveUser(user);
            }

            @Override
            public boolean removeUser(String username) {
                return users.removeUser(username);
            }

            @Override
            public List<User> listUsers() {
                return users.listUsers();
            }

            @Override
            public boolean useTotpStep(String username, long step) {
                return users.useTotpStep(username, step);
            }

            @Override
            public boolean startTotpEnrolment(String username, Optional<String> confirmed, String pending) {
                return users.startTotpEnrolment(username, confirmed, pending);
            }

            @Override
            public boolean confirmTotpEnrolment(String username, String pending) {
                return users.confirmTotpEnrolment(username, pending);
            }
        };
        gateway = Gateway.create(Fixtures.config(dir, ""), new Gateway.Stores(racing, new InMemoryRevocations(clock),
                new InMemoryRateLimiter(clock)), clock);
        token = ((Issued) gateway.issueToken().issue(Fixtures.login("alice", "a"))).token();
    }

    @AfterEach
    void tearDown() {
        gateway.close();
    }

    @Test
    void aUserDeletedWhileEnrolling_staysDeleted() {
        meanwhile = Optional.of(registry -> registry.removeUser("alice"));

        assertRejected(enrol(), 409, "enrolment_conflict", "totp_enrolment_conflict");

        assertThat(users.findUser("alice")).as("the old record is not written back").isEmpty();
    }

    @Test
    void aPasswordChangeAndARoleRemovalWhileEnrolling_stand() {
        String newHash = PASSWORDS.hash("changed".toCharArray());
        meanwhile = Optional.of(registry -> registry.saveUser(new User("alice", newHash, List.of("ops"), List.of())));

        assertThat(enrol().toResponse().status()).isEqualTo(200);

        User after = users.findUser("alice").orElseThrow();
        assertThat(after.passwordHash()).isEqualTo(newHash);
        assertThat(after.roles()).containsExactly("ops");
        assertThat(after.totp().pending()).isPresent();
    }

    @Test
    void aSecondFactorProvisionedWhileConfirming_stands() {
        assertThat(enrol().toResponse().status()).isEqualTo(200);
        String pending = users.findUser("alice").orElseThrow().totp().pending().orElseThrow();
        meanwhile = Optional.of(registry -> registry.saveUser(new User("alice", HASH, List.of("admin", "ops"),
                List.of(), TotpSecrets.confirmed("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))));

        Reply confirmed = gateway.ownEndpoint(Fixtures.request("POST", "/auth/totp/confirm",
                GatewayFixture.bearer(token).add("Content-Type", "application/json"), "{\"code\":\""
                        + TOTP.code(Base32.decode(pending), Totp.step(clock.instant())) + "\"}")).orElseThrow();

        assertRejected(confirmed, 409, "enrolment_conflict", "totp_enrolment_conflict");
        assertThat(users.findUser("alice").orElseThrow().totp())
                .isEqualTo(TotpSecrets.confirmed("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    }

    private Reply enrol() {
        return gateway.ownEndpoint(Fixtures.request("POST", "/auth/totp/enrol", GatewayFixture.bearer(token), ""))
                .orElseThrow();
    }
}
