package io.portcullis.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.MutableClock;
import io.portcullis.core.port.RefreshTokenStore.Refused;
import io.portcullis.core.port.RefreshTokenStore.Rotated;
import io.portcullis.core.port.RefreshTokenStore.Rotation;
import io.portcullis.core.token.RefreshFamily;
import io.portcullis.core.token.TokenId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link RefreshTokenStore} must do. Subclass it per adapter. */
public abstract class RefreshTokenStoreContract {
    private static final SecureRandom RANDOM = new SecureRandom();
    protected final MutableClock clock = MutableClock.startingNow();

    /** An empty store (or one whose families the test cannot collide with) reading time from {@code clock}. */
    protected abstract RefreshTokenStore store(MutableClock clock);

    @Test
    void rotate_theLiveToken_spendsItAndInstallsTheNext_returningTheFamilyAsItWas() {
        RefreshTokenStore store = store(clock);
        RefreshFamily family = started(store, "h1");
        Instant now = clock.instant().plusSeconds(5);

        Rotation rotation = store.rotate(family.id(), "h1", "h2", now.plus(Duration.ofHours(8)), now);

        assertThat(rotation).isInstanceOf(Rotated.class);
        assertThat(((Rotated) rotation).before()).isEqualTo(family);
        Rotation again = store.rotate(family.id(), "h2", "h3", now.plus(Duration.ofHours(8)), now.plusSeconds(1));
        assertThat(again).as("the installed token is the live one now").isInstanceOf(Rotated.class);
        RefreshFamily second = ((Rotated) again).before();
        assertThat(second.current()).isEqualTo("h2");
        assertThat(second.previous()).contains("h1");
        assertThat(second.rotatedAt()).contains(now);
        assertThat(second.currentExpiresAt()).isEqualTo(now.plus(Duration.ofHours(8)));
    }

    @Test
    void rotate_aSpentToken_isRefused_withTheFamilyAsItIs() {
        RefreshTokenStore store = store(clock);
        RefreshFamily family = started(store, "h1");
        Instant now = clock.instant();
        store.rotate(family.id(), "h1", "h2", now.plus(Duration.ofHours(8)), now);

        Rotation reused = store.rotate(family.id(), "h1", "h3", now.plus(Duration.ofHours(8)), now.plusSeconds(30));

        assertThat(reused).isInstanceOf(Refused.class);
        RefreshFamily stored = ((Refused) reused).family().orElseThrow();
        assertThat(stored.current()).isEqualTo("h2");
        assertThat(stored.previous()).contains("h1");
        assertThat(stored.rotatedAt()).contains(now);
        assertThat(stored.subject()).isEqualTo(family.subject());
        assertThat(stored.roles()).containsExactly("dev", "ops");
        assertThat(stored.startedAt()).isEqualTo(family.startedAt());
        assertThat(stored.endsAt()).isEqualTo(family.endsAt());
    }

    @Test
    void rotate_unknownFamily_isRefusedWithoutAFamily_andCreatesNothing() {
        RefreshTokenStore store = store(clock);
        TokenId unknown = TokenId.random(RANDOM);

        Rotation rotation = store.rotate(unknown, "h1", "h2", clock.instant().plusSeconds(60), clock.instant());

        assertThat(rotation).isEqualTo(new Refused(Optional.empty()));
        store.end(unknown, clock.instant());
        assertThat(store.rotate(unknown, "h1", "h2", clock.instant().plusSeconds(60), clock.instant()))
                .as("ending an unknown family creates none").isEqualTo(new Refused(Optional.empty()));
    }

    @Test
    void rotate_atTheTokensExpiry_orTheFamilysEnd_isRefused() {
        RefreshTokenStore store = store(clock);
        Instant start = clock.instant();
        RefreshFamily shortToken = start(store, RefreshFamily.started(TokenId.random(RANDOM), "alice",
                List.of(), start, start.plus(Duration.ofDays(1)), "h1", start.plus(Duration.ofMinutes(10))));
        RefreshFamily shortFamily = start(store, RefreshFamily.started(TokenId.random(RANDOM), "alice",
                List.of(), start, start.plus(Duration.ofMinutes(10)), "h1", start.plus(Duration.ofHours(1))));
        Instant tenMinutes = start.plus(Duration.ofMinutes(10));

        assertThat(store.rotate(shortToken.id(), "h1", "h2", tenMinutes.plusSeconds(60), tenMinutes))
                .isInstanceOf(Refused.class);
        assertThat(store.rotate(shortFamily.id(), "h1", "h2", tenMinutes.plusSeconds(60), tenMinutes))
                .isInstanceOf(Refused.class);
        assertThat(store.rotate(shortToken.id(), "h1", "h2", tenMinutes.plusSeconds(60), tenMinutes.minusMillis(1)))
                .as("a millisecond before, it is spendable").isInstanceOf(Rotated.class);
    }

    @Test
    void end_makesTheLiveTokenUnspendable_andTheFirstEndStands() {
        RefreshTokenStore store = store(clock);
        RefreshFamily family = started(store, "h1");
        Instant ended = clock.instant().plusSeconds(3);

        store.end(family.id(), ended);
        store.end(family.id(), ended.plusSeconds(60));

        Rotation rotation = store.rotate(family.id(), "h1", "h2", ended.plus(Duration.ofHours(1)),
                ended.plusSeconds(61));
        assertThat(rotation).isInstanceOf(Refused.class);
        assertThat(((Refused) rotation).family().orElseThrow().endedAt()).contains(ended);
    }

    @Test
    void racingRotations_ofOneToken_exactlyOneSucceeds() throws Exception {
        RefreshTokenStore store = store(clock);
        RefreshFamily family = started(store, "h1");
        Instant now = clock.instant();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Rotation>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String next = "next-" + i;
                racers.add(() -> store.rotate(family.id(), "h1", next, now.plus(Duration.ofHours(1)), now));
            }
            List<Rotation> results = new ArrayList<>();
            for (Future<Rotation> result : pool.invokeAll(racers)) {
                results.add(result.get());
            }
            assertThat(results).filteredOn(Rotated.class::isInstance).hasSize(1);
            assertThat(results).filteredOn(Refused.class::isInstance).hasSize(7)
                    .allSatisfy(refused -> assertThat(((Refused) refused).family().orElseThrow().previous())
                            .contains("h1"));
        } finally {
            pool.shutdownNow();
        }
    }

    private RefreshFamily started(RefreshTokenStore store, String hash) {
        Instant now = clock.instant();
        return start(store, RefreshFamily.started(TokenId.random(RANDOM), "alice", List.of("dev", "ops"), now,
                now.plus(Duration.ofDays(30)), hash, now.plus(Duration.ofHours(8))));
    }

    private static RefreshFamily start(RefreshTokenStore store, RefreshFamily family) {
        store.start(family);
        return family;
    }
}
