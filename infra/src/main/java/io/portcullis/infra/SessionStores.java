package io.portcullis.infra;

import io.portcullis.core.Gateway;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.config.GatewayConfig.SessionStoreType;
import io.portcullis.infra.redis.RedisSessions;
import java.time.Clock;
import java.util.Optional;

/**
 * Puts the session credential store that {@code sessions.store} names beside the other stores, for both shells:
 * {@code memory} and {@code dynamodb} come with the stores already (the in-memory map, the sessions table); for
 * {@code redis} a pooled client is opened, which the shell closes on shutdown.
 */
public final class SessionStores {
    /** The stores to build the gateway on, and the Redis client to close, if one was opened. */
    public record Opened(Gateway.Stores stores, Optional<RedisSessions> redis) implements AutoCloseable {
        @Override
        public void close() {
            redis.ifPresent(RedisSessions::close);
        }
    }

    private SessionStores() {
    }

    public static Opened open(GatewayConfig config, Gateway.Stores stores, Clock clock) {
        if (config.sessions().store() != SessionStoreType.REDIS) {
            return new Opened(stores, Optional.empty());
        }
        RedisSessions redis = RedisSessions.connect(config.sessions(), clock);
        return new Opened(stores.withSessions(redis), Optional.of(redis));
    }
}
