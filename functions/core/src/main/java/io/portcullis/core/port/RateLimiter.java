package io.portcullis.core.port;

import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;

/**
 * Decides whether one more request under a key is allowed, and counts it if so. Deciding and counting are one
 * atomic step: concurrent callers on the same key never let more through than the limit allows.
 *
 * <p>The limiter reads its clock inside that step, never takes a time from its caller: a caller that waited for
 * its turn (behind a thousand others on the same key, say) would otherwise be judged at the time it started
 * waiting, against a state that requests judged later have already moved, and be refused for nothing.
 */
public interface RateLimiter {
    /**
     * @param key what is limited, e.g. {@code proxy:user:alice}
     * @param limit the limit for this key
     */
    RateDecision acquire(String key, RateLimit limit);
}
