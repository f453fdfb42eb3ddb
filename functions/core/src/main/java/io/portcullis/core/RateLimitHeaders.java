package io.portcullis.core;

import io.portcullis.core.limit.RateDecision;
import java.util.ArrayList;
import java.util.List;

/** The {@code RateLimit-*} headers (IETF httpapi-ratelimit-headers) and {@code Retry-After} for a decision. */
public final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    public static List<Header> of(RateDecision decision) {
        if (!decision.reportable()) {
            return List.of();
        }
        List<Header> headers = new ArrayList<>(4);
        headers.add(new Header("RateLimit-Limit", Integer.toString(decision.limit())));
        headers.add(new Header("RateLimit-Remaining", Integer.toString(decision.remaining())));
        headers.add(new Header("RateLimit-Reset", Long.toString(decision.resetSeconds())));
        if (!decision.allowed()) {
            headers.add(new Header("Retry-After", Long.toString(decision.retryAfterSeconds())));
        }
        return headers;
    }
}
