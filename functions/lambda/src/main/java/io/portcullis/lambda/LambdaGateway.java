package io.portcullis.lambda;

import io.portcullis.core.ConfiguredUsers;
import io.portcullis.core.Gateway;
import io.portcullis.core.User;
import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.config.GatewayConfig.StoreType;
import io.portcullis.infra.UpstreamClient;
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
 */
public final class LambdaGateway {
    /** The parts every handler uses. */
    record Parts(GatewayConfig config, Gateway gateway, UpstreamClient upstream) {
    }

    private final Supplier<Map<String, String>> environment;
    private final UnaryOperator<String> secrets;
    private volatile Parts parts;

    LambdaGateway(Supplier<Map<String, String>> environment, UnaryOperator<String> secrets) {
        this.environment = environment;
        this.secrets = secrets;
    }

    /** The production wiring: the process environment and Secrets Manager. */
    public static LambdaGateway fromEnvironment() {
        return new LambdaGateway(System::getenv, Secrets.secretsManager());
    }

    Parts parts() {
        Parts ready = parts;
        if (ready == null) {
            synchronized (this) {
                ready = parts;
                if (ready == null) {
                    ready = build(Secrets.resolve(environment.get(), secrets));
                    parts = ready;
                }
            }
        }
        return ready;
    }

    private static Parts build(Map<String, String> env) {
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
            return new User(entry.username(), entry.password(), entry.roles(), entry.allow());
        }).toList();
        Clock clock = Clock.systemUTC();
        Gateway.Stores stores = stores(config, users, clock);
        return new Parts(config, Gateway.create(config, stores, clock),
                new UpstreamClient(config.upstream().connectTimeout(), config.upstream().readTimeout()));
    }

    private static Gateway.Stores stores(GatewayConfig config, List<User> users, Clock clock) {
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
        ConfiguredUsers.seed(users, stores.users(), stores.revocations(), clock);
        return stores;
    }
}
