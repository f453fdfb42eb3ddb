package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.memory.InMemoryRevocations;
import io.portcullis.core.memory.InMemoryUsers;
import io.portcullis.core.net.Cidr;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import io.portcullis.core.totp.TotpSecrets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfiguredUsersTest {
    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private final InMemoryUsers registry = new InMemoryUsers(List.of());
    private final InMemoryRevocations revocations = new InMemoryRevocations(clock);

    @Test
    void seed_writesConfiguredUsers_andLeavesOthersAlone() {
        registry.saveUser(new User("other", "$argon2id$x", List.of(), List.of()));

        ConfiguredUsers.seed(List.of(new User("alice", "$argon2id$a", List.of("admin"), List.of(Cidr.parse("10.0.0.0/8")))),
                registry, revocations, clock);

        assertThat(registry.listUsers()).extracting(User::username).containsExactly("alice", "other");
        assertThat(registry.findUser("alice").orElseThrow().allow()).containsExactly(Cidr.parse("10.0.0.0/8"));
    }

    @Test
    void seed_changedPassword_revokesTheUsersEarlierTokens() {
        User before = new User("alice", "$argon2id$old", List.of(), List.of());
        ConfiguredUsers.seed(List.of(before), registry, revocations, clock);
        Claims earlier = new Claims("alice", TokenId.random(new SecureRandom()), clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), List.of());
        clock.advance(Duration.ofMinutes(1));

        ConfiguredUsers.seed(List.of(new User("alice", "$argon2id$new", List.of(), List.of())), registry, revocations,
                clock);

        assertThat(registry.findUser("alice").orElseThrow().passwordHash()).isEqualTo("$argon2id$new");
        assertThat(revocations.isRevoked(earlier)).isTrue();
    }

    @Test
    void seed_unchangedPassword_roleAdded_revokesNothing() {
        User alice = new User("alice", "$argon2id$same", List.of("a"), List.of());
        ConfiguredUsers.seed(List.of(alice), registry, revocations, clock);
        Claims token = new Claims("alice", TokenId.random(new SecureRandom()), clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), List.of("a"));

        ConfiguredUsers.seed(List.of(new User("alice", "$argon2id$same", List.of("a", "b"), List.of())), registry,
                revocations, clock);

        assertThat(revocations.isRevoked(token)).isFalse();
        assertThat(registry.findUser("alice").orElseThrow().roles()).containsExactly("a", "b");
    }

    @Test
    void seed_roleTakenAway_revokesTheUsersEarlierTokens() {
        ConfiguredUsers.seed(List.of(new User("alice", "$argon2id$same", List.of("admin", "dev"), List.of())),
                registry, revocations, clock);
        Claims token = new Claims("alice", TokenId.random(new SecureRandom()), clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), List.of("admin", "dev"));
        clock.advance(Duration.ofMinutes(1));

        ConfiguredUsers.seed(List.of(new User("alice", "$argon2id$same", List.of("dev"), List.of())), registry,
                revocations, clock);

        assertThat(revocations.isRevoked(token)).isTrue();
    }

    @Test
    void reseed_removesUsersTheConfigNoLongerLists_andRevokesTheirTokens() {
        User alice = new User("alice", "$argon2id$a", List.of(), List.of());
        User bob = new User("bob", "$argon2id$b", List.of(), List.of());
        registry.saveUser(new User("carol", "$argon2id$c", List.of(), List.of()));
        ConfiguredUsers.seed(List.of(alice, bob), registry, revocations, clock);
        Claims bobs = new Claims("bob", TokenId.random(new SecureRandom()), clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), List.of());
        clock.advance(Duration.ofMinutes(1));

        ConfiguredUsers.reseed(List.of("alice", "bob"), List.of(alice), registry, revocations, clock);

        assertThat(registry.listUsers()).extracting(User::username).containsExactly("alice", "carol");
        assertThat(revocations.isRevoked(bobs)).isTrue();
    }

    @Test
    void seed_keepsASecondFactorTheUserEnrolled_unlessTheConfigProvisionsOne() {
        User listed = new User("alice", "$argon2id$same", List.of(), List.of());
        ConfiguredUsers.seed(List.of(listed), registry, revocations, clock);
        TotpSecrets enrolled = TotpSecrets.confirmed("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        registry.saveUser(listed.withTotp(enrolled));

        ConfiguredUsers.seed(List.of(listed), registry, revocations, clock);
        assertThat(registry.findUser("alice").orElseThrow().totp()).isEqualTo(enrolled);

        TotpSecrets provisioned = TotpSecrets.confirmed("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U");
        ConfiguredUsers.seed(List.of(listed.withTotp(provisioned)), registry, revocations, clock);
        assertThat(registry.findUser("alice").orElseThrow().totp()).isEqualTo(provisioned);
    }
}
