package io.portcullis.infra.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.port.SessionCredentialStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Session credentials in Redis, in hyper-auth-proxy's layout, unchanged: the key is the raw session id (no prefix;
 * the database comes from the URI), the value the JSON {@code {"credentials": "<string>"}}. A website that writes
 * sessions for hyper-auth-proxy works with Portcullis as it is.
 *
 * <p>Expiry: the website owns it, with Redis's own TTL (hyper-auth-proxy sets none). When Portcullis itself saves a
 * session with an expiry, the key gets that TTL ({@code PXAT}) and the value an extra {@code "expires_at"} member
 * (epoch seconds), which hyper-auth-proxy ignores; reads honour {@code "expires_at"} when present, so an expired
 * session is refused even before Redis evicts it. Values without it expire only by their TTL.
 *
 * <p>Every read goes to Redis (no cache): deleting the key revokes the session on the next request. Connections
 * are pooled (unlike hyper-auth-proxy, which opens one per request) and bounded by connect and read timeouts;
 * waiting for a pooled connection is bounded by the connect timeout. Any Redis failure is a
 * {@link StoreUnavailableException} (503). A value that is not that JSON is logged (never the value, never the
 * session id) and treated as no session (401).
 */
public final class RedisSessions implements SessionCredentialStore, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RedisSessions.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CREDENTIALS = "credentials";
    static final String EXPIRES_AT = "expires_at";

    private final RedisClient client;
    private final String where;
    private final Clock clock;

    private RedisSessions(RedisClient client, String where, Clock clock) {
        this.client = client;
        this.where = where;
        this.clock = clock;
    }

    /** Connects (lazily: the first command opens the first connection) as the {@code sessions} section says. */
    public static RedisSessions connect(GatewayConfig.Sessions config, Clock clock) {
        URI uri = config.redisUri().orElseThrow(() -> new IllegalArgumentException("sessions.redis-uri is not set"));
        return connect(uri, config.connectTimeout(), config.readTimeout(), config.poolSize(), clock);
    }

    public static RedisSessions connect(URI uri, Duration connectTimeout, Duration readTimeout, int poolSize,
            Clock clock) {
        DefaultJedisClientConfig.Builder clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(connectTimeout))
                .socketTimeoutMillis(millis(readTimeout))
                .database(JedisURIHelper.getDBIndex(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .clientName("portcullis");
        String user = JedisURIHelper.getUser(uri);
        String password = JedisURIHelper.getPassword(uri);
        if (password != null) {
            clientConfig.user(user).password(password);
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(connectTimeout);
        // Idle connections are checked every 30 s, so a Redis restart leaves few stale ones to fail a request.
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        pool.setJmxEnabled(false);
        HostAndPort host = JedisURIHelper.getHostAndPort(uri);
        RedisClient client = RedisClient.builder().hostAndPort(host).clientConfig(clientConfig.build())
                .poolConfig(pool).build();
        // Never the URI itself: it may hold the password.
        return new RedisSessions(client, "redis " + host + "/" + JedisURIHelper.getDBIndex(uri), clock);
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    @Override
    public Optional<String> credentials(String sessionId) {
        String value = call("session lookup", () -> client.get(sessionId));
        if (value == null) {
            return Optional.empty();
        }
        JsonNode session;
        try {
            session = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            session = null;
        }
        if (session == null || !session.path(CREDENTIALS).isTextual()) {
            LOG.log(System.Logger.Level.WARNING, "a session in " + where + " is not {\"credentials\": \"...\"}; "
                    + "treated as absent");
            return Optional.empty();
        }
        JsonNode expiresAt = session.path(EXPIRES_AT);
        if (expiresAt.isIntegralNumber() && clock.instant().getEpochSecond() >= expiresAt.asLong()) {
            return Optional.empty();
        }
        return Optional.of(session.get(CREDENTIALS).asText());
    }

    /** Writes hyper-auth-proxy's layout; with an expiry, also a Redis TTL and {@code "expires_at"}. */
    @Override
    public void save(String sessionId, String credentials, Optional<Instant> expiresAt) {
        ObjectNode session = JSON.createObjectNode().put(CREDENTIALS, credentials);
        if (expiresAt.isEmpty()) {
            call("session save", () -> client.set(sessionId, session.toString()));
            return;
        }
        Instant at = expiresAt.get();
        session.put(EXPIRES_AT, at.getEpochSecond() + (at.getNano() > 0 ? 1 : 0));
        // The TTL follows the real clock (Redis's); a test clock ahead of it would delete the key at once.
        long ttlAt = Math.max(at.toEpochMilli(), System.currentTimeMillis() + 1000);
        call("session save", () -> client.set(sessionId, session.toString(), SetParams.setParams().pxAt(ttlAt)));
    }

    @Override
    public boolean remove(String sessionId) {
        return call("session removal", () -> client.del(sessionId)) > 0;
    }

    private <T> T call(String what, Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisException e) {
            throw new StoreUnavailableException(where + ": " + what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "RedisSessions[" + where + "]";
    }
}
