package io.portcullis.core.port;

import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import java.time.Instant;

/**
 * Decides whether one more request under a key is allowed, and counts it if so. Deciding and counting are one
 * atomic step: concurrent callers on the same key never let more through than the limit allows.
 */
public interface RateLimiter {
    /**
     * @param key what is limited, e.g. {@code proxy:user:alice}
     * @param limit the limit for this key
     * @param now the time of the request
     */
    RateDecision acquire(String key, RateLimit limit, Instant now);
}
