package io.portcullis.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.MutableClock;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link RateLimiter} must do. Subclass it per adapter. */
public abstract class RateLimiterContract {
    /** The real current second, not a fixed date: stores expire idle keys by the real clock (DynamoDB TTL). */
    protected static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private final RateLimit limit = new RateLimit(5, 3, Duration.ZERO);

    /** The limiters' clock: the contract moves it, a limiter reads it when it decides. */
    protected final MutableClock clock = new MutableClock(NOW);

    /** A limiter with no keys yet, reading {@code clock}. */
    protected abstract RateLimiter limiter(Clock clock);

    private RateLimiter limiter() {
        return limiter(clock);
    }

    protected String key() {
        return "proxy:user:" + UUID.randomUUID();
    }

    @Test
    void acquire_allowsTheBurstThenRejects() {
        RateLimiter limiter = limiter();
        String key = key();

        List<Boolean> allowed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            allowed.add(limiter.acquire(key, limit).allowed());
        }

        assertThat(allowed).containsExactly(true, true, true, false);
    }

    @Test
    void acquire_reportsRemainingAndRetryAfter() {
        RateLimiter limiter = limiter();
        String key = key();

        RateDecision first = limiter.acquire(key, limit);
        limiter.acquire(key, limit);
        limiter.acquire(key, limit);
        RateDecision rejected = limiter.acquire(key, limit);

        assertThat(first.limit()).isEqualTo(3);
        assertThat(first.remaining()).isEqualTo(2);
        assertThat(rejected.allowed()).isFalse();
        assertThat(rejected.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void acquire_refillsWithTime() {
        RateLimiter limiter = limiter();
        String key = key();
        for (int i = 0; i < 3; i++) {
            limiter.acquire(key, limit);
        }

        clock.set(NOW.plusMillis(199));
        assertThat(limiter.acquire(key, limit).allowed()).isFalse();
        clock.set(NOW.plusMillis(200));
        assertThat(limiter.acquire(key, limit).allowed()).isTrue();
    }

    @Test
    void acquire_keysAreIndependent() {
        RateLimiter limiter = limiter();
        String a = key();
        String b = key();
        for (int i = 0; i < 3; i++) {
            limiter.acquire(a, limit);
        }

        assertThat(limiter.acquire(a, limit).allowed()).isFalse();
        assertThat(limiter.acquire(b, limit).allowed()).isTrue();
    }

    @Test
    void acquire_blockDelay_holdsTheKeyAfterARejection() {
        RateLimiter limiter = limiter();
        RateLimit penalised = new RateLimit(5, 1, Duration.ofSeconds(2));
        String key = key();
        limiter.acquire(key, penalised);
        limiter.acquire(key, penalised);

        clock.set(NOW.plusSeconds(1));
        assertThat(limiter.acquire(key, penalised).allowed()).isFalse();
        clock.set(NOW.plusSeconds(2));
        assertThat(limiter.acquire(key, penalised).allowed()).isTrue();
    }

    @Test
    void acquire_unlimited_alwaysAllows() {
        RateLimiter limiter = limiter();
        String key = key();
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.acquire(key, RateLimit.UNLIMITED).allowed()).isTrue();
        }
    }

    @Test
    void acquire_concurrentCallersOnOneKey_neverExceedTheLimit() throws Exception {
        RateLimiter limiter = limiter();
        RateLimit burst = new RateLimit(1, 25, Duration.ZERO);
        String key = key();
        int threads = 8;
        int perThread = 20;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> counts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<Integer> hammer = () -> {
                    start.await();
                    int allowed = 0;
                    for (int i = 0; i < perThread; i++) {
                        allowed += limiter.acquire(key, burst).allowed() ? 1 : 0;
                    }
                    return allowed;
                };
                counts.add(pool.submit(hammer));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> count : counts) {
                total += count.get();
            }
            assertThat(total).isEqualTo(25);
        } finally {
            pool.shutdownNow();
        }
    }
}
