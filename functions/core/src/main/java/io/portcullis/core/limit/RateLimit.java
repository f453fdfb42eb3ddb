package io.portcullis.core.limit;

import java.time.Duration;
import java.util.Objects;

/**
 * A rate limit: a sustained rate, a burst allowance and an optional penalty.
 *
 * @param requestsPerSecond the sustained rate; {@code 0} disables the limit
 * @param burst how many requests an idle key may make at once (at least 1 when limited)
 * @param blockDelay after a rejection, how long the key stays blocked even if the rate would allow it
 */
public record RateLimit(double requestsPerSecond, int burst, Duration blockDelay) {
    public static final RateLimit UNLIMITED = new RateLimit(0, 0, Duration.ZERO);

    public RateLimit {
        Objects.requireNonNull(blockDelay, "blockDelay");
        if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("requests-per-second must be a finite number >= 0 (0 disables)");
        }
        if (requestsPerSecond > 0 && burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1 when requests-per-second is set");
        }
        if (blockDelay.isNegative()) {
            throw new IllegalArgumentException("block-delay must not be negative");
        }
    }

    public boolean unlimited() {
        return requestsPerSecond == 0;
    }

    /** Time between two requests at the sustained rate, in nanoseconds. */
    public long emissionIntervalNanos() {
        return Math.max(1, Math.round(1_000_000_000d / requestsPerSecond));
    }
}
