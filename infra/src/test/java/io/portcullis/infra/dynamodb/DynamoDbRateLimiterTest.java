package io.portcullis.infra.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.MutableClock;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class DynamoDbRateLimiterTest {
    private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private final DynamoDbClient dynamo = LocalDynamo.overHttp();
    private final TableNames tables = LocalDynamo.freshTables(dynamo);
    private final MutableClock clock = new MutableClock(NOW);

    /** A decision with the limiters' clock at {@code at}. */
    private RateDecision acquireAt(DynamoDbRateLimiter limiter, String key, RateLimit limit, Instant at) {
        clock.set(at);
        return limiter.acquire(key, limit);
    }

    @Test
    void twoInstancesHammeringOneKey_neverAdmitMoreThanTheLimitBetweenThem() throws Exception {
        RateLimit limit = new RateLimit(1, 40, Duration.ZERO);
        List<DynamoDbRateLimiter> instances = List.of(
                new DynamoDbRateLimiter(dynamo, tables.rateLimits(), 1, false, clock),
                new DynamoDbRateLimiter(dynamo, tables.rateLimits(), 3, false, clock));
        String key = "proxy:user:" + UUID.randomUUID();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> admitted = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                DynamoDbRateLimiter limiter = instances.get(t % 2);
                admitted.add(pool.submit(() -> {
                    start.await();
                    int allowed = 0;
                    for (int i = 0; i < 25; i++) {
                        allowed += acquireAt(limiter, key, limit, NOW).allowed() ? 1 : 0;
                    }
                    return allowed;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> count : admitted) {
                total += count.get();
            }
            assertThat(total).isLessThanOrEqualTo(40).isGreaterThanOrEqualTo(37);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeniedKey_isRefusedFromMemory_withoutFurtherWrites() {
        CountingClient counting = new CountingClient(dynamo);
        DynamoDbRateLimiter limiter = new DynamoDbRateLimiter(counting.client, tables.rateLimits(), 1, false, clock);
        RateLimit limit = new RateLimit(1, 2, Duration.ZERO);
        String key = "proxy:user:" + UUID.randomUUID();
        acquireAt(limiter, key, limit, NOW);
        acquireAt(limiter, key, limit, NOW);
        RateDecision first = acquireAt(limiter, key, limit, NOW);
        int writes = counting.count("updateItem");

        for (int i = 0; i < 100; i++) {
            assertThat(acquireAt(limiter, key, limit, NOW.plusMillis(i)).allowed()).isFalse();
        }

        assertThat(first.allowed()).isFalse();
        assertThat(first.retryAfterSeconds()).isEqualTo(1);
        assertThat(counting.count("updateItem")).isEqualTo(writes);
        assertThat(acquireAt(limiter, key, limit, NOW.plusSeconds(1)).allowed()).isTrue();
    }

    @Test
    void oneWritePerDecision_andOneWritePerLeaseWhenLeasing() {
        CountingClient counting = new CountingClient(dynamo);
        RateLimit limit = new RateLimit(1000, 1000, Duration.ZERO);
        DynamoDbRateLimiter exact = new DynamoDbRateLimiter(counting.client, tables.rateLimits(), 1, false, clock);
        DynamoDbRateLimiter leasing = new DynamoDbRateLimiter(counting.client, tables.rateLimits(), 10, false, clock);

        for (int i = 0; i < 100; i++) {
            acquireAt(exact, "exact", limit, NOW.plusMillis(i));
        }
        int exactWrites = counting.count("updateItem");
        counting.reset();
        for (int i = 0; i < 100; i++) {
            acquireAt(leasing, "leasing", limit, NOW.plusMillis(i));
        }

        assertThat(exactWrites).isEqualTo(100);
        assertThat(counting.count("updateItem")).isEqualTo(10);
        assertThat(counting.total()).isEqualTo(10);
    }

    @Test
    void blockDelay_isSharedThroughTheTable() {
        RateLimit limit = new RateLimit(10, 1, Duration.ofSeconds(5));
        DynamoDbRateLimiter a = new DynamoDbRateLimiter(dynamo, tables.rateLimits(), 1, false, clock);
        DynamoDbRateLimiter b = new DynamoDbRateLimiter(dynamo, tables.rateLimits(), 1, false, clock);
        String key = "auth:user:" + UUID.randomUUID();
        acquireAt(a, key, limit, NOW);
        assertThat(acquireAt(a, key, limit, NOW).allowed()).isFalse();

        RateDecision fromOther = acquireAt(b, key, limit, NOW.plusSeconds(2));

        assertThat(fromOther.allowed()).isFalse();
        assertThat(fromOther.retryAfterSeconds()).isEqualTo(3);
        assertThat(acquireAt(b, key, limit, NOW.plusSeconds(5)).allowed()).isTrue();
    }

    @Test
    void storeDown_deniesWith503_orAdmitsWhenFailingOpen(@TempDir Path dir) throws Exception {
        try (LocalDynamo.HttpServer server = new LocalDynamo.HttpServer(dir)) {
            // A stopped server refuses connections at once, so the deadline only needs to outlast a busy machine.
            DynamoDbClient client = server.client(Duration.ofSeconds(5));
            // The tables are created with a more patient client: on a loaded machine six tables take longer.
            TableNames names = LocalDynamo.freshTables(server.client(Duration.ofSeconds(30)));
            DynamoDbRateLimiter closed = new DynamoDbRateLimiter(client, names.rateLimits(), 1, false, clock);
            DynamoDbRateLimiter open = new DynamoDbRateLimiter(client, names.rateLimits(), 1, true, clock);
            RateLimit limit = new RateLimit(10, 10, Duration.ZERO);
            assertThat(acquireAt(closed, "k", limit, NOW).allowed()).isTrue();

            server.stop();

            assertThatThrownBy(() -> acquireAt(closed, "k", limit, NOW))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(acquireAt(open, "k", limit, NOW).allowed()).isTrue();
            server.start();
            assertThat(acquireAt(closed, "k", limit, NOW.plusMillis(100)).allowed()).isTrue();
        }
    }
}
