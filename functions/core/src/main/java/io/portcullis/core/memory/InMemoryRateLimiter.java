package io.portcullis.core.memory;

import io.portcullis.core.limit.Gcra;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.port.RateLimiter;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GCRA in process memory: one map entry per active key, updated atomically per key. Idle keys (whose state has
 * decayed to nothing) are swept now and then, so memory follows the active keys, not every key ever seen.
 */
public final class InMemoryRateLimiter implements RateLimiter {
    private static final int SWEEP_THRESHOLD = 10_000;
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final ConcurrentHashMap<String, Gcra.State> states = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong();
    private final Clock clock;

    public InMemoryRateLimiter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public RateDecision acquire(String key, RateLimit limit) {
        if (limit.unlimited()) {
            return RateDecision.UNLIMITED;
        }
        RateDecision[] decision = new RateDecision[1];
        long[] now = new long[1];
        states.compute(key, (k, state) -> {
            // The time is read under the key's lock: a caller that queued for it is judged when its turn comes.
            now[0] = Gcra.epochNanos(clock.instant());
            Gcra.Outcome outcome = Gcra.decide(state == null ? Gcra.State.FRESH : state, limit, now[0]);
            decision[0] = outcome.decision();
            return outcome.next();
        });
        sweepIfLarge(now[0]);
        return decision[0];
    }

    private void sweepIfLarge(long now) {
        long last = lastSweep.get();
        if (states.size() > SWEEP_THRESHOLD && now - last > SWEEP_INTERVAL_NANOS && lastSweep.compareAndSet(last, now)) {
            states.values().removeIf(state -> state.idleAt(now));
        }
    }

    int trackedKeys() {
        return states.size();
    }
}
