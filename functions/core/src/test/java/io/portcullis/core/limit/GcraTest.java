package io.portcullis.core.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GcraTest {
    private static final long START = Gcra.epochNanos(Instant.parse("2026-11-22T10:00:00Z"));
    private static final long SECOND = 1_000_000_000L;
    private final RateLimit tenPerSecondBurstFive = new RateLimit(10, 5, Duration.ZERO);

    @Test
    void decide_idleKey_allowsExactlyTheBurstAtOnce() {
        Gcra.State state = Gcra.State.FRESH;
        for (int i = 0; i < 5; i++) {
            Gcra.Outcome outcome = Gcra.decide(state, tenPerSecondBurstFive, START);
            assertThat(outcome.decision().allowed()).as("request %d", i + 1).isTrue();
            assertThat(outcome.decision().remaining()).isEqualTo(4 - i);
            state = outcome.next();
        }
        Gcra.Outcome sixth = Gcra.decide(state, tenPerSecondBurstFive, START);

        assertThat(sixth.decision().allowed()).isFalse();
        assertThat(sixth.next()).isEqualTo(state);
    }

    @Test
    void decide_afterBurst_allowsOnePerEmissionInterval() {
        Gcra.State state = drain(tenPerSecondBurstFive, START);

        assertThat(Gcra.decide(state, tenPerSecondBurstFive, START + SECOND / 10 - 1).decision().allowed()).isFalse();
        Gcra.Outcome next = Gcra.decide(state, tenPerSecondBurstFive, START + SECOND / 10);
        assertThat(next.decision().allowed()).isTrue();
        assertThat(next.decision().remaining()).isZero();
        assertThat(Gcra.decide(next.next(), tenPerSecondBurstFive, START + SECOND / 10).decision().allowed()).isFalse();
    }

    @Test
    void decide_sustainedAtTheRate_neverRejects() {
        Gcra.State state = Gcra.State.FRESH;
        for (int i = 0; i < 1000; i++) {
            Gcra.Outcome outcome = Gcra.decide(state, tenPerSecondBurstFive, START + i * (SECOND / 10));
            assertThat(outcome.decision().allowed()).isTrue();
            state = outcome.next();
        }
    }

    @Test
    void decide_rejected_retryAfterIsWholeSecondsRoundedUp() {
        RateLimit onePerTwoSeconds = new RateLimit(0.5, 1, Duration.ZERO);
        Gcra.State state = Gcra.decide(Gcra.State.FRESH, onePerTwoSeconds, START).next();

        RateDecision rejected = Gcra.decide(state, onePerTwoSeconds, START + SECOND / 2).decision();

        assertThat(rejected.allowed()).isFalse();
        assertThat(rejected.retryAfterSeconds()).isEqualTo(2);
        assertThat(rejected.resetSeconds()).isEqualTo(2);
        assertThat(rejected.limit()).isEqualTo(1);
        assertThat(Gcra.decide(state, onePerTwoSeconds, START + 2 * SECOND).decision().allowed()).isTrue();
    }

    @Test
    void decide_rejectedJustBeforeAllowed_retryAfterIsAtLeastOneSecond() {
        Gcra.State state = drain(tenPerSecondBurstFive, START);

        assertThat(Gcra.decide(state, tenPerSecondBurstFive, START + SECOND / 10 - 1).decision().retryAfterSeconds())
                .isEqualTo(1);
    }

    @Test
    void decide_blockDelay_keepsKeyBlockedAfterRejection() {
        RateLimit withPenalty = new RateLimit(10, 5, Duration.ofSeconds(3));
        Gcra.State state = drain(withPenalty, START);
        Gcra.Outcome rejected = Gcra.decide(state, withPenalty, START);

        assertThat(rejected.decision().retryAfterSeconds()).isEqualTo(3);
        Gcra.Outcome stillBlocked = Gcra.decide(rejected.next(), withPenalty, START + 2 * SECOND);
        assertThat(stillBlocked.decision().allowed()).isFalse();
        assertThat(stillBlocked.decision().retryAfterSeconds()).isEqualTo(1);
        assertThat(Gcra.decide(stillBlocked.next(), withPenalty, START + 3 * SECOND).decision().allowed()).isTrue();
    }

    @Test
    void decide_withoutBlockDelay_allowsAsSoonAsTheRateDoes() {
        Gcra.State state = Gcra.decide(drain(tenPerSecondBurstFive, START), tenPerSecondBurstFive, START).next();

        assertThat(Gcra.decide(state, tenPerSecondBurstFive, START + SECOND / 10).decision().allowed()).isTrue();
    }

    @Test
    void decide_unlimited_alwaysAllowsAndReportsNothing() {
        RateDecision decision = Gcra.decide(Gcra.State.FRESH, RateLimit.UNLIMITED, START).decision();

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.reportable()).isFalse();
    }

    @Test
    void state_idleAfterFullRefill_canBeForgotten() {
        Gcra.State state = drain(tenPerSecondBurstFive, START);

        assertThat(state.idleAt(START)).isFalse();
        assertThat(state.idleAt(START + SECOND / 2)).isTrue();
    }

    @Test
    void decide_severalPermits_areAllOrNothing_andAccountedOneByOne() {
        Gcra.Outcome three = Gcra.decide(Gcra.State.FRESH, tenPerSecondBurstFive, START, 3);

        assertThat(three.decision().allowed()).isTrue();
        assertThat(three.decision().remaining()).isEqualTo(2);
        assertThat(Gcra.available(three.next(), tenPerSecondBurstFive, START)).isEqualTo(2);
        assertThat(Gcra.decide(three.next(), tenPerSecondBurstFive, START, 3).decision().allowed()).isFalse();
        assertThat(Gcra.decide(three.next(), tenPerSecondBurstFive, START, 2).decision().allowed()).isTrue();
    }

    @Test
    void available_isZeroWhileBlocked() {
        RateLimit withPenalty = new RateLimit(10, 5, Duration.ofSeconds(3));
        Gcra.State blocked = Gcra.decide(drain(withPenalty, START), withPenalty, START).next();

        assertThat(Gcra.available(blocked, withPenalty, START + SECOND)).isZero();
        assertThat(Gcra.available(blocked, withPenalty, START + 3 * SECOND)).isEqualTo(5);
    }

    private static Gcra.State drain(RateLimit limit, long now) {
        Gcra.State state = Gcra.State.FRESH;
        for (int i = 0; i < limit.burst(); i++) {
            state = Gcra.decide(state, limit, now).next();
        }
        return state;
    }

    @Test
    void decide_reportsWhenTheAllowanceIsFullAgain() {
        Gcra.Outcome first = Gcra.decide(Gcra.State.FRESH, tenPerSecondBurstFive, START);

        assertThat(first.decision().resetSeconds()).as("0.1 s, rounded up").isEqualTo(1);
        assertThat(first.decision().retryAfterSeconds()).isZero();
    }

    @Test
    void allowedFrom_isTheNextEmission_orTheEndOfABlock() {
        Gcra.State drained = drain(tenPerSecondBurstFive, START);
        assertThat(Gcra.allowedFrom(drained, tenPerSecondBurstFive)).isEqualTo(START + SECOND / 10);
        assertThat(Gcra.decide(drained, tenPerSecondBurstFive, Gcra.allowedFrom(drained, tenPerSecondBurstFive))
                .decision().allowed()).isTrue();

        RateLimit withPenalty = new RateLimit(10, 5, Duration.ofSeconds(3));
        Gcra.State blocked = Gcra.decide(drain(withPenalty, START), withPenalty, START).next();
        assertThat(Gcra.allowedFrom(blocked, withPenalty)).isEqualTo(START + 3 * SECOND);
    }

    @Test
    void available_unlimited_isUnbounded() {
        assertThat(Gcra.available(Gcra.State.FRESH, new RateLimit(0, 1, Duration.ZERO), START))
                .isEqualTo(Integer.MAX_VALUE);
    }
}
