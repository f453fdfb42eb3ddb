package io.portcullis.core.limit;

/**
 * The generic cell rate algorithm, as pure arithmetic on a key's state so that every rate limiter adapter (memory,
 * DynamoDB) makes the same decision.
 *
 * <p>A key's state is its theoretical arrival time (TAT): when it would be fully idle again. With emission interval
 * {@code T = 1/rate} and burst {@code B}, a request at {@code now} is allowed when {@code max(TAT, now) + T <= now +
 * B*T}, and then moves TAT to {@code max(TAT, now) + T}. So an idle key gets B requests at once, then one per T.
 * A rejection leaves TAT alone, and, when the limit has a block delay, blocks the key until {@code now + delay}.
 */
public final class Gcra {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Gcra() {
    }

    /**
     * A key's state, in nanoseconds since the epoch.
     *
     * @param tat the theoretical arrival time
     * @param blockedUntil until when the key is blocked by a block delay (0 if never)
     */
    public record State(long tat, long blockedUntil) {
        public static final State FRESH = new State(0, 0);

        /** Whether the state at {@code now} is the same as no state at all, so it can be forgotten. */
        public boolean idleAt(long now) {
            return tat <= now && blockedUntil <= now;
        }
    }

    /** A decision and the state to store if it was allowed (or blocked). */
    public record Outcome(RateDecision decision, State next) {
    }

    public static Outcome decide(State state, RateLimit limit, long now) {
        return decide(state, limit, now, 1);
    }

    /**
     * Decides {@code permits} requests at once: all are allowed or none. Taking several is how a shared limiter
     * leases permits to spend locally; each is accounted in the state exactly as if requested one by one.
     */
    public static Outcome decide(State state, RateLimit limit, long now, int permits) {
        if (limit.unlimited()) {
            return new Outcome(RateDecision.UNLIMITED, state);
        }
        long interval = limit.emissionIntervalNanos();
        long horizon = now + interval * limit.burst();
        long newTat = Math.max(state.tat(), now) + interval * permits;
        if (now < state.blockedUntil()) {
            long wait = Math.max(state.blockedUntil() - now, newTat - horizon);
            return new Outcome(rejected(limit, state.tat(), now, wait), state);
        }
        if (newTat > horizon) {
            long blockedUntil = limit.blockDelay().isZero() ? state.blockedUntil() : now + limit.blockDelay().toNanos();
            long wait = Math.max(newTat - horizon, blockedUntil - now);
            return new Outcome(rejected(limit, state.tat(), now, wait), new State(state.tat(), blockedUntil));
        }
        int remaining = (int) ((horizon - newTat) / interval);
        return new Outcome(new RateDecision(true, limit.burst(), remaining, seconds(newTat - now), 0),
                new State(newTat, state.blockedUntil()));
    }

    /** How many requests the key could make at {@code now} (0 when blocked or exhausted). */
    public static int available(State state, RateLimit limit, long now) {
        if (limit.unlimited()) {
            return Integer.MAX_VALUE;
        }
        if (now < state.blockedUntil()) {
            return 0;
        }
        long interval = limit.emissionIntervalNanos();
        long free = now + interval * limit.burst() - Math.max(state.tat(), now);
        return (int) Math.max(0, free / interval);
    }

    /** The earliest time (epoch nanos) at which the key may make one request again. */
    public static long allowedFrom(State state, RateLimit limit) {
        long interval = limit.emissionIntervalNanos();
        return Math.max(state.blockedUntil(), state.tat() - interval * (limit.burst() - 1));
    }

    private static RateDecision rejected(RateLimit limit, long tat, long now, long waitNanos) {
        return new RateDecision(false, limit.burst(), 0, seconds(Math.max(0, tat - now)),
                Math.max(1, seconds(waitNanos)));
    }

    /** Nanoseconds since the epoch, the unit of {@link State}; good until the year 2262. */
    public static long epochNanos(java.time.Instant instant) {
        return instant.getEpochSecond() * NANOS_PER_SECOND + instant.getNano();
    }

    /** Nanoseconds as whole seconds, rounded up. */
    static long seconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    }
}
