package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.memory.InMemoryRateLimiter;
import io.portcullis.core.port.RateLimiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request that had to wait for its turn at the rate limiter (behind thousands of others on the same user's key,
 * as at 2,000 connections) is judged at the time its turn comes, not at the time it started waiting: judged at
 * the earlier time, against a state that later requests already moved, it was refused for nothing.
 */
class RateLimitTimingTest {
    @TempDir
    Path dir;

    @Test
    void forward_aRequestHeldBeforeTheDecision_isJudgedWhenItIsDecided() throws Exception {
        GatewayConfig config = Fixtures.config(dir, """
                rate-limits: { proxy: { requests-per-second: 1, burst: 2 } }
                routes: [ { prefix: /open, target: "http://backend:9000", secure: false } ]
                """);
        MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
        InMemoryRateLimiter limiter = new InMemoryRateLimiter(clock);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RateLimiter holdingTheFirst = new RateLimiter() {
            private boolean first = true;

            @Override
            public synchronized RateDecision acquire(String key, RateLimit limit) {
                if (first) {
                    first = false;
                    held.countDown();
                    await(release);
                }
                return limiter.acquire(key, limit);
            }
        };
        Gateway.Stores memory = Gateway.Stores.inMemory(List.of(), clock);
        try (Gateway gateway = Gateway.create(config, new Gateway.Stores(memory.users(), memory.revocations(),
                holdingTheFirst), clock)) {
            CompletableFuture<ForwardDecision> waiting = CompletableFuture.supplyAsync(() ->
                    gateway.forward().forward(Fixtures.request("GET", "/open/a", MapHeaders.of(), "")));
            assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();

            // Two seconds pass while it waits; another request from the same address is admitted meanwhile.
            clock.advance(Duration.ofSeconds(2));
            assertThat(limiter.acquire("proxy:ip:198.51.100.7", config.rateLimits().proxy()).allowed()).isTrue();
            release.countDown();

            assertThat(waiting.get(5, TimeUnit.SECONDS)).as("judged two seconds ago it would be 429")
                    .isInstanceOf(ForwardingPlan.class);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
