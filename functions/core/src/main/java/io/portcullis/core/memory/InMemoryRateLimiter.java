package io.portcullis.core.memory;

import io.portcullis.core.limit.Gcra;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.port.RateLimiter;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GCRA in process memory: one map entry per active key, updated atomically per key by compare-and-set, so callers on
 * one key (one busy user, one address) never queue behind a lock; each attempt reads the time afresh, so a caller
 * that lost a race, or waited between reading the time and deciding, is judged at its retry. Idle keys (whose state
 * has decayed to nothing) are swept now and then, so memory follows the active keys, not every key ever seen; a
 * caller deciding on a key in the very moment it is swept may see its one admission forgotten, which an idle key
 * can afford.
 */
public final class InMemoryRateLimiter implements RateLimiter {
    private static final int SWEEP_THRESHOLD = 10_000;
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final ConcurrentHashMap<String, AtomicReference<Gcra.State>> states = new ConcurrentHashMap<>();
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
        AtomicReference<Gcra.State> cell = states.get(key);
        if (cell == null) {
            cell = states.computeIfAbsent(key, k -> new AtomicReference<>(Gcra.State.FRESH));
        }
        while (true) {
            Gcra.State state = cell.get();
            long now = Gcra.epochNanos(clock.instant());
            Gcra.Outcome outcome = Gcra.decide(state, limit, now);
            if (cell.compareAndSet(state, outcome.next())) {
                sweepIfLarge(now);
                return outcome.decision();
            }
        }
    }

    private void sweepIfLarge(long now) {
        long last = lastSweep.get();
        if (states.size() > SWEEP_THRESHOLD && now - last > SWEEP_INTERVAL_NANOS && lastSweep.compareAndSet(last, now)) {
            states.values().removeIf(cell -> cell.get().idleAt(now));
        }
    }

    int trackedKeys() {
        return states.size();
    }
}
