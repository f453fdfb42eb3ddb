package io.portcullis.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.User;
import io.portcullis.core.net.Cidr;
import io.portcullis.core.totp.TotpSecrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link UserRegistry} must do. Subclass it per adapter. */
public abstract class UserRegistryContract {
    protected static final String HASH = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";

    /** An empty registry. */
    protected abstract UserRegistry registry();

    @Test
    void findUser_unknown_isEmpty() {
        assertThat(registry().findUser("nobody-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void saveUser_thenFind_returnsEveryField() {
        UserRegistry registry = registry();
        User alice = new User(name(), HASH, List.of("admin", "ops"), List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")));

        registry.saveUser(alice);

        User found = registry.findUser(alice.username()).orElseThrow();
        assertThat(found.username()).isEqualTo(alice.username());
        assertThat(found.passwordHash()).isEqualTo(HASH);
        assertThat(found.roles()).containsExactly("admin", "ops");
        assertThat(found.allow()).extracting(Cidr::toString).containsExactly("10.0.0.0/8", "::1");
    }

    @Test
    void saveUser_sameName_replaces() {
        UserRegistry registry = registry();
        String name = name();
        registry.saveUser(new User(name, HASH, List.of("a"), List.of()));

        registry.saveUser(new User(name, HASH, List.of("b"), List.of()));

        assertThat(registry.findUser(name).orElseThrow().roles()).containsExactly("b");
    }

    @Test
    void removeUser_removesAndSaysSo() {
        UserRegistry registry = registry();
        String name = name();
        registry.saveUser(new User(name, HASH, List.of(), List.of()));

        assertThat(registry.removeUser(name)).isTrue();
        assertThat(registry.removeUser(name)).isFalse();
        assertThat(registry.findUser(name)).isEmpty();
    }

    @Test
    void listUsers_isOrderedByName() {
        UserRegistry registry = registry();
        String prefix = "list-" + UUID.randomUUID() + "-";
        registry.saveUser(new User(prefix + "b", HASH, List.of(), List.of()));
        registry.saveUser(new User(prefix + "a", HASH, List.of(), List.of()));

        assertThat(registry.listUsers()).extracting(User::username).filteredOn(n -> n.startsWith(prefix))
                .containsExactly(prefix + "a", prefix + "b");
    }

    @Test
    void saveUser_keepsTotpSecrets_andReplacingWithoutThemClearsThem() {
        UserRegistry registry = registry();
        String name = name();
        TotpSecrets secrets = new TotpSecrets(Optional.of("JBSWY3DPEHPK3PXP"), Optional.of("KRSXG5CTMVRXEZLU"));
        registry.saveUser(new User(name, HASH, List.of(), List.of(), secrets));

        assertThat(registry.findUser(name).orElseThrow().totp()).isEqualTo(secrets);

        registry.saveUser(new User(name, HASH, List.of(), List.of()));
        assertThat(registry.findUser(name).orElseThrow().totp()).isEqualTo(TotpSecrets.NONE);
    }

    @Test
    void useTotpStep_eachStepOnce_andNeverAnEarlierOne() {
        UserRegistry registry = registry();
        String name = name();
        registry.saveUser(new User(name, HASH, List.of(), List.of(), TotpSecrets.confirmed("JBSWY3DPEHPK3PXP")));

        assertThat(registry.useTotpStep(name, 1000)).isTrue();
        assertThat(registry.useTotpStep(name, 1000)).as("the same code again").isFalse();
        assertThat(registry.useTotpStep(name, 999)).as("an older code after a newer one").isFalse();
        assertThat(registry.useTotpStep(name, 1001)).isTrue();
    }

    @Test
    void useTotpStep_survivesSavingTheUserAgain() {
        UserRegistry registry = registry();
        String name = name();
        User user = new User(name, HASH, List.of(), List.of(), TotpSecrets.confirmed("JBSWY3DPEHPK3PXP"));
        registry.saveUser(user);
        assertThat(registry.useTotpStep(name, 2000)).isTrue();

        registry.saveUser(new User(name, HASH, List.of("new-role"), List.of(), user.totp()));

        assertThat(registry.useTotpStep(name, 2000)).isFalse();
    }

    @Test
    void useTotpStep_unknownUser_isFalse() {
        assertThat(registry().useTotpStep(name(), 1)).isFalse();
    }

    @Test
    void useTotpStep_concurrentUsesOfOneCode_exactlyOneWins() throws Exception {
        UserRegistry registry = registry();
        String name = name();
        registry.saveUser(new User(name, HASH, List.of(), List.of(), TotpSecrets.confirmed("JBSWY3DPEHPK3PXP")));
        int callers = 8;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            List<Future<Boolean>> uses = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                uses.add(pool.submit(() -> {
                    start.await();
                    return registry.useTotpStep(name, 3000);
                }));
            }
            start.countDown();
            int wins = 0;
            for (Future<Boolean> use : uses) {
                wins += use.get() ? 1 : 0;
            }
            assertThat(wins).isEqualTo(1);
        }
    }

    @Test
    void startTotpEnrolment_writesOnlyThePendingSecret_keepingAChangeMadeMeanwhile() {
        UserRegistry registry = registry();
        String name = name();
        registry.saveUser(new User(name, HASH, List.of("admin"), List.of()));
        User read = registry.findUser(name).orElseThrow();
        registry.saveUser(new User(name, HASH.replace("aGFz", "bmV3"), List.of(), List.of(Cidr.parse("10.0.0.0/8"))));

        assertThat(registry.startTotpEnrolment(name, read.totp().confirmed(), "JBSWY3DPEHPK3PXP")).isTrue();

        User after = registry.findUser(name).orElseThrow();
        assertThat(after.passwordHash()).as("the password changed meanwhile stays").isEqualTo(
                HASH.replace("aGFz", "bmV3"));
        assertThat(after.roles()).as("the role taken away meanwhile stays away").isEmpty();
        assertThat(after.allow()).extracting(Cidr::toString).containsExactly("10.0.0.0/8");
        assertThat(after.totp()).isEqualTo(new TotpSecrets(Optional.empty(), Optional.of("JBSWY3DPEHPK3PXP")));
    }

    @Test
    void startTotpEnrolment_userRemovedOrSecondFactorChangedMeanwhile_writesNothing() {
        UserRegistry registry = registry();
        String removed = name();
        registry.saveUser(new User(removed, HASH, List.of(), List.of()));
        registry.removeUser(removed);
        String provisioned = name();
        registry.saveUser(new User(provisioned, HASH, List.of(), List.of(), TotpSecrets.confirmed("GEZDGNBVGY3TQOJQ")));

        assertThat(registry.startTotpEnrolment(removed, Optional.empty(), "JBSWY3DPEHPK3PXP")).isFalse();
        assertThat(registry.findUser(removed)).as("a deleted user does not come back").isEmpty();
        assertThat(registry.startTotpEnrolment(provisioned, Optional.empty(), "JBSWY3DPEHPK3PXP")).isFalse();
        assertThat(registry.startTotpEnrolment(provisioned, Optional.of("OTHERSECRETAAAAA"), "JBSWY3DPEHPK3PXP"))
                .isFalse();
        assertThat(registry.findUser(provisioned).orElseThrow().totp())
                .isEqualTo(TotpSecrets.confirmed("GEZDGNBVGY3TQOJQ"));
        assertThat(registry.startTotpEnrolment(provisioned, Optional.of("GEZDGNBVGY3TQOJQ"), "JBSWY3DPEHPK3PXP"))
                .isTrue();
        assertThat(registry.findUser(provisioned).orElseThrow().totp()).isEqualTo(new TotpSecrets(
                Optional.of("GEZDGNBVGY3TQOJQ"), Optional.of("JBSWY3DPEHPK3PXP")));
    }

    @Test
    void confirmTotpEnrolment_onlyTheSecretStillPending_andNothingElse() {
        UserRegistry registry = registry();
        String name = name();
        registry.saveUser(new User(name, HASH, List.of("ops"), List.of(),
                new TotpSecrets(Optional.of("GEZDGNBVGY3TQOJQ"), Optional.of("JBSWY3DPEHPK3PXP"))));

        assertThat(registry.confirmTotpEnrolment(name, "MFRGGZDFMZTWQ2LK")).as("not the pending one").isFalse();
        registry.saveUser(new User(name, HASH.replace("aGFz", "bmV3"), List.of(), List.of(),
                new TotpSecrets(Optional.of("GEZDGNBVGY3TQOJQ"), Optional.of("JBSWY3DPEHPK3PXP"))));
        assertThat(registry.confirmTotpEnrolment(name, "JBSWY3DPEHPK3PXP")).isTrue();

        User after = registry.findUser(name).orElseThrow();
        assertThat(after.totp()).isEqualTo(TotpSecrets.confirmed("JBSWY3DPEHPK3PXP"));
        assertThat(after.passwordHash()).isEqualTo(HASH.replace("aGFz", "bmV3"));
        assertThat(after.roles()).isEmpty();
        assertThat(registry.confirmTotpEnrolment(name, "JBSWY3DPEHPK3PXP")).as("nothing pending any more").isFalse();
        registry.removeUser(name);
        assertThat(registry.confirmTotpEnrolment(name, "JBSWY3DPEHPK3PXP")).isFalse();
        assertThat(registry.findUser(name)).isEmpty();
    }

    private static String name() {
        return "user-" + UUID.randomUUID();
    }
}
