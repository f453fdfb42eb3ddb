package io.portcullis.core.limit;

/**
 * The answer to one request against a limit, with what the {@code RateLimit-*} headers report.
 *
 * @param allowed whether the request may proceed
 * @param limit the burst size ({@code RateLimit-Limit})
 * @param remaining requests that could still be made right now ({@code RateLimit-Remaining})
 * @param resetSeconds seconds until the key's allowance is full again, rounded up ({@code RateLimit-Reset})
 * @param retryAfterSeconds when rejected, whole seconds to wait, rounded up and at least 1 ({@code Retry-After});
 *     0 when allowed
 */
public record RateDecision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {
    /** The decision for an unlimited key: allowed, and no headers to report. */
    public static final RateDecision UNLIMITED = new RateDecision(true, 0, 0, 0, 0);

    public boolean reportable() {
        return limit > 0;
    }
}
