package io.portcullis.infra.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.core.MutableClock;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.port.SessionCredentialStore;
import io.portcullis.core.port.SessionCredentialStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The Redis adapter against a real redis-server: the port contract, and hyper-auth-proxy's exact layout. */
class RedisSessionsTest {
    private static final int DB = 1;
    private static LocalRedis redis;
    private static final List<RedisSessions> opened = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        Assumptions.assumeTrue(LocalRedis.binary().isPresent(), "redis-server is not installed");
        redis = LocalRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        opened.forEach(RedisSessions::close);
        if (redis != null) {
            redis.close();
        }
    }

    static RedisSessions sessions(java.time.Clock clock) {
        RedisSessions sessions = RedisSessions.connect(redis.uri(DB), Duration.ofMillis(500), Duration.ofMillis(500),
                4, clock);
        opened.add(sessions);
        return sessions;
    }

    @Nested
    class Contract extends SessionCredentialStoreContract {
        @Override
        protected SessionCredentialStore store(MutableClock clock) {
            return sessions(clock);
        }
    }

    @Test
    void credentials_readsTheValueAWebsiteWroteForHyperAuthProxy() {
        try (Jedis website = redis.client(DB)) {
            website.set("0b5e5d3c-sid", "{\"credentials\":\"dXNlcjpwYXNz\"}");
        }

        assertThat(sessions(MutableClock.startingNow()).credentials("0b5e5d3c-sid")).contains("dXNlcjpwYXNz");
    }

    /**
     * hyper-auth-proxy's default redis_uri ({@code redis://redis}) is database 0, its tests use 1: the database is
     * the URI's path, and without one it is 0 (README, Migrating from ProxyAuth: from hyper-auth-proxy).
     */
    @Test
    void database_isTheUrisPath_withoutOneDatabase0() {
        try (Jedis db0 = redis.client(0); Jedis db1 = redis.client(1)) {
            db0.set("db-sid", "{\"credentials\":\"ZGI6MA==\"}");
            db1.set("db-sid", "{\"credentials\":\"ZGI6MQ==\"}");
        }
        java.net.URI withoutPath = java.net.URI.create(redis.uri(0).toString().replaceFirst("/0$", ""));
        try (RedisSessions noPath = RedisSessions.connect(withoutPath, Duration.ofMillis(500), Duration.ofMillis(500),
                2, MutableClock.startingNow())) {
            assertThat(noPath.credentials("db-sid")).contains("ZGI6MA==");
        }
        assertThat(sessions(MutableClock.startingNow()).credentials("db-sid")).contains("ZGI6MQ==");
    }

    @Test
    void save_writesTheRawSidKey_andAJsonValueHyperAuthProxyReads() throws Exception {
        RedisSessions sessions = sessions(MutableClock.startingNow());

        sessions.save("raw-sid", "dXNlcjpwYXNz", Optional.empty());

        try (Jedis website = redis.client(DB)) {
            assertThat(new ObjectMapper().readTree(website.get("raw-sid")).get("credentials").asText())
                    .isEqualTo("dXNlcjpwYXNz");
            assertThat(website.ttl("raw-sid")).as("no TTL, as hyper-auth-proxy").isEqualTo(-1);
        }
    }

    @Test
    void save_withExpiry_setsARedisTtl() {
        MutableClock clock = MutableClock.startingNow();
        RedisSessions sessions = sessions(clock);

        sessions.save("ttl-sid", "x", Optional.of(Instant.now().plus(Duration.ofMinutes(10))));

        try (Jedis website = redis.client(DB)) {
            assertThat(website.ttl("ttl-sid")).isBetween(500L, 600L);
        }
    }

    @Test
    void credentials_deletedKey_isGoneOnTheNextRead_noCache() {
        RedisSessions sessions = sessions(MutableClock.startingNow());
        sessions.save("gone-sid", "x", Optional.empty());
        assertThat(sessions.credentials("gone-sid")).contains("x");

        try (Jedis website = redis.client(DB)) {
            website.del("gone-sid");
        }

        assertThat(sessions.credentials("gone-sid")).isEmpty();
    }

    @Test
    void credentials_valueNotInTheLayout_isAbsent_notAnError() {
        try (Jedis website = redis.client(DB)) {
            website.set("odd-sid", "not json");
            website.set("odd-sid-2", "{\"creds\":\"x\"}");
        }
        RedisSessions sessions = sessions(MutableClock.startingNow());

        assertThat(sessions.credentials("odd-sid")).isEmpty();
        assertThat(sessions.credentials("odd-sid-2")).isEmpty();
    }

    @Test
    void credentials_redisUnreachable_isStoreUnavailable() throws Exception {
        int free;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            free = socket.getLocalPort();
        }
        try (RedisSessions nowhere = RedisSessions.connect(java.net.URI.create("redis://127.0.0.1:" + free + "/0"),
                Duration.ofMillis(200), Duration.ofMillis(200), 2, MutableClock.startingNow())) {
            assertThatThrownBy(() -> nowhere.credentials("sid")).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageNotContaining("sid\"");
        }
    }
}
