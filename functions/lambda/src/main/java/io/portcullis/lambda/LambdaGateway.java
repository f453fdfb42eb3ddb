package io.portcullis.lambda;

import io.portcullis.core.ConfiguredUsers;
import io.portcullis.core.Gateway;
import io.portcullis.core.User;
import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.config.GatewayConfig.StoreType;
import io.portcullis.infra.SessionStores;
import io.portcullis.infra.UpstreamClient;
import io.portcullis.infra.jwks.HttpJwksFetcher;
import io.portcullis.infra.dynamodb.DynamoDbStores;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The gateway inside one Lambda execution environment, built on the first invocation and reused by every later
 * one. Nothing is built during init: a SnapStart snapshot then holds no secret, no key and no random state, and
 * each restored environment makes its own.
 *
 * <p>Configuration: {@code PORTCULLIS_CONFIG_YAML} holds the same YAML as a server's config file; environment
 * variables override keys as on a server; {@code *_SECRET_ARN} variables are resolved through Secrets Manager
 * (see {@link Secrets}). Users listed in the config must carry Argon2 hashes: there is no file to rewrite.
 *
 * <p>Session credentials (JWT mode) come from the sessions table by default, or from Redis when
 * {@code sessions.store: redis}; a Redis pool lives as long as the execution environment. A JWKS URL is fetched on
 * the first JWT that needs it, never during init.
 */
public final class LambdaGateway {
    /**
     * The parts every handler uses, and how long building them took (secrets, config, clients): the part of a
     * cold start this code owns, logged by the first invocation.
     */
    record Parts(GatewayConfig config, Gateway gateway, UpstreamClient upstream, long buildMillis) {
    }

    private final Supplier<Map<String, String>> environment;
    private final UnaryOperator<String> secrets;
    private final boolean ownsUsers;
    private volatile Parts parts;

    /**
     * @param ownsUsers whether this function writes the config's users into the users table at a cold start
     *     (the token function; the others never touch that table)
     */
    LambdaGateway(Supplier<Map<String, String>> environment, UnaryOperator<String> secrets, boolean ownsUsers) {
        this.environment = environment;
        this.secrets = secrets;
        this.ownsUsers = ownsUsers;
    }

    /** The production wiring: the process environment and Secrets Manager. */
    public static LambdaGateway fromEnvironment(boolean ownsUsers) {
        return new LambdaGateway(System::getenv, Secrets.secretsManager(), ownsUsers);
    }

    Parts parts() {
        Parts ready = parts;
        if (ready == null) {
            synchronized (this) {
                ready = parts;
                if (ready == null) {
                    long started = System.nanoTime();
                    ready = build(Secrets.resolve(environment.get(), secrets), ownsUsers, started);
                    parts = ready;
                }
            }
        }
        return ready;
    }

    private static Parts build(Map<String, String> env, boolean ownsUsers, long startedNanos) {
        String yaml = env.get("PORTCULLIS_CONFIG_YAML");
        if (yaml == null || yaml.isBlank()) {
            throw new ConfigException("PORTCULLIS_CONFIG_YAML: the function's configuration is not set");
        }
        GatewayConfig config = ConfigLoader.fromYaml(yaml, env);
        List<User> users = config.users().stream().map(entry -> {
            if (!entry.hashed()) {
                throw new ConfigException("users: " + entry.username() + "'s password must be an Argon2 hash in a "
                        + "function's configuration (there is no file to rewrite)");
            }
            return entry.toUser(entry.password());
        }).toList();
        Clock clock = Clock.systemUTC();
        Gateway.Stores stores = SessionStores.open(config, stores(config, users, ownsUsers, clock), clock).stores();
        Gateway built = Gateway.create(config, stores, new HttpJwksFetcher(config.jwt().jwksTimeout()), clock);
        UpstreamClient upstream = new UpstreamClient(config.upstream());
        return new Parts(config, built, upstream, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    private static Gateway.Stores stores(GatewayConfig config, List<User> users, boolean ownsUsers, Clock clock) {
        StoreType type = config.store().type();
        if (type == StoreType.MEMORY) {
            return Gateway.Stores.inMemory(users, clock);
        }
        if (type != StoreType.DYNAMODB) {
            throw new ConfigException("store.type: a function needs dynamodb (or memory, for trials), not "
                    + type.name().toLowerCase(java.util.Locale.ROOT) + "; set it in PORTCULLIS_CONFIG_YAML");
        }
        Gateway.Stores stores = DynamoDbStores.create(
                DynamoDbStores.client(config.store(), UrlConnectionHttpClient.create()), config, clock,
                Optional.empty());
        if (ownsUsers) {
            ConfiguredUsers.seed(users, stores.users(), stores.revocations(), clock);
        }
        return stores;
    }
}
