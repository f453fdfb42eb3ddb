package io.portcullis.lambda;

import io.portcullis.core.ConfiguredUsers;
import io.portcullis.core.Gateway;
import io.portcullis.core.User;
import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.config.GatewayConfig.StoreType;
import io.portcullis.core.port.JwksFetcher;
import io.portcullis.infra.SessionStores;
import io.portcullis.infra.UpstreamClient;
import io.portcullis.infra.jwks.HttpJwksFetcher;
import io.portcullis.infra.dynamodb.DynamoDbStores;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The gateway inside one Lambda execution environment, reused by every invocation in it.
 *
 * <p>During init the configuration is read and checked ({@link FunctionConfig}), so a bad one fails the init.
 * What happens next depends on how Lambda initialises the environment ({@value #INITIALIZATION_TYPE}):
 * <ul>
 *   <li>{@code snap-start}: nothing more. The snapshot then holds no secret, no key and no random state; each
 *       restored environment builds its own gateway on its first invocation (the priming hook has already loaded
 *       the classes, see {@link Priming}).</li>
 *   <li>otherwise (on demand, provisioned concurrency): the gateway is built during init, with the real secrets.
 *       A second thread makes the AWS HTTP client (its TLS set-up) and fetches the secrets while this one checks
 *       the configuration ({@link #fromEnvironment}). A store or Secrets Manager that cannot answer then does not
 *       fail the init: the first invocation tries again and answers 503 if it must.</li>
 * </ul>
 *
 * <p>Configuration: the same YAML as a server's config file ({@link FunctionConfig}); environment variables override
 * keys as on a server; {@code *_SECRET_ARN} variables are resolved through Secrets Manager ({@link Secrets}).
 * Users listed in the config must carry Argon2 hashes: there is no file to rewrite.
 *
 * <p>Built only where a function needs it: the upstream client (the forwarder, on its first forwarded request), the
 * JWKS fetcher (with {@code jwt.jwks-url}, on the first JWT that needs it). Session credentials come from the
 * sessions table by default, or from Redis when {@code sessions.store: redis}; a Redis pool lives as long as the
 * execution environment.
 */
public final class LambdaGateway {
    static final String INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE";

    /**
     * The parts the handlers use, and how long building them took (secrets, config, clients): the part of a
     * cold start this code owns, logged by the first invocation.
     */
    static final class Parts {
        private final GatewayConfig config;
        private final Gateway gateway;
        private final long buildMillis;
        private UpstreamClient upstream;

        Parts(GatewayConfig config, Gateway gateway, long buildMillis) {
            this.config = config;
            this.gateway = gateway;
            this.buildMillis = buildMillis;
        }

        GatewayConfig config() {
            return config;
        }

        Gateway gateway() {
            return gateway;
        }

        long buildMillis() {
            return buildMillis;
        }

        /** The backend client, made on first use: only the forwarder sends requests upstream. */
        synchronized UpstreamClient upstream() {
            if (upstream == null) {
                upstream = new UpstreamClient(config.upstream());
            }
            return upstream;
        }
    }

    private final Map<String, String> environment;
    private final UnaryOperator<String> secrets;
    private final boolean ownsUsers;
    private final FunctionConfig config;
    private final AwsHttpClient http;
    private volatile Parts parts;
    private CompletableFuture<Map<String, String>> prefetched;

    /**
     * Reads and checks the configuration {@code environment} names.
     *
     * @param secrets reads a Secrets Manager secret by ARN
     * @param ownsUsers whether this function writes the config's users into the users table when it builds the
     *     gateway (the token function; the others never touch that table)
     * @throws ConfigException when the configuration cannot be used
     */
    LambdaGateway(Map<String, String> environment, UnaryOperator<String> secrets, boolean ownsUsers) {
        this(environment, secrets, ownsUsers, new AwsHttpClient(), null);
    }

    /**
     * Reads and checks the configuration {@code environment} names; {@code prefetched}, when there is one, delivers
     * the environment with its secrets resolved (fetched on another thread while this one checks the configuration).
     */
    private LambdaGateway(Map<String, String> environment, UnaryOperator<String> secrets, boolean ownsUsers,
            AwsHttpClient http, CompletableFuture<Map<String, String>> prefetched) {
        this.environment = Map.copyOf(environment);
        this.secrets = secrets;
        this.ownsUsers = ownsUsers;
        this.http = http;
        this.prefetched = prefetched;
        this.config = FunctionConfig.read(this.environment, secrets);
    }

    /**
     * The production wiring: the process environment and Secrets Manager; see the class comment for init. On
     * demand, init does two things at once: a second thread makes the HTTP client the AWS SDK sends through (its
     * TLS set-up is most of its cost, and the secrets' HTTPS call then finds it done) and fetches the secrets,
     * while this thread checks the configuration and gets JSON ready ({@link LambdaJson#warm}). With more than one
     * vCPU that shortens the init; with one they share it.
     */
    public static LambdaGateway fromEnvironment(boolean ownsUsers) {
        Map<String, String> env = System.getenv();
        AwsHttpClient http = new AwsHttpClient();
        Secrets.Manager manager = new Secrets.Manager(env, http);
        if ("snap-start".equals(env.get(INITIALIZATION_TYPE))) {
            return new LambdaGateway(env, manager, ownsUsers, http, null);
        }
        CompletableFuture<Map<String, String>> secrets = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("portcullis-init").start(() -> {
            try {
                http.get();
            } catch (RuntimeException e) {
                // made again where it is needed, where its failure is reported
            }
            complete(secrets, () -> Secrets.resolve(env, manager));
        });
        LambdaGateway gateway = new LambdaGateway(env, manager, ownsUsers, http, secrets);
        LambdaJson.warm();
        gateway.buildNow();
        return gateway;
    }

    private static <T> void complete(CompletableFuture<T> future, Supplier<T> work) {
        try {
            future.complete(work.get());
        } catch (RuntimeException | Error e) {
            future.completeExceptionally(e);
        }
    }

    /** Builds the gateway now; a configuration error propagates, anything else waits for the first invocation. */
    void buildNow() {
        try {
            parts();
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            Telemetry.initLog("WARN", "building the gateway failed during init; the first invocation tries again",
                    Map.of("error", e.getClass().getName() + ": " + e.getMessage()));
        }
    }

    Parts parts() {
        Parts ready = parts;
        if (ready == null) {
            synchronized (this) {
                ready = parts;
                if (ready == null) {
                    ready = build();
                    parts = ready;
                }
            }
        }
        return ready;
    }

    private Parts build() {
        long started = System.nanoTime();
        Map<String, String> resolved = resolvedSecrets();
        GatewayConfig loaded = config.load(resolved);
        List<User> users = loaded.users().stream().map(entry -> entry.toUser(entry.password())).toList();
        Clock clock = Clock.systemUTC();
        Gateway.Stores stores = SessionStores.open(loaded, stores(loaded, users, clock), clock).stores();
        JwksFetcher jwks = loaded.jwt().jwksUrl().isPresent() ? new HttpJwksFetcher(loaded.jwt().jwksTimeout())
                : JwksFetcher.none();
        Gateway built = Gateway.create(loaded, stores, jwks, clock);
        return new Parts(loaded, built, (System.nanoTime() - started) / 1_000_000);
    }

    /** The environment with its secrets: as fetched during init if that was started, else fetched now. */
    private Map<String, String> resolvedSecrets() {
        CompletableFuture<Map<String, String>> fetching = prefetched;
        prefetched = null; // a failed fetch is not kept: the next build fetches again
        if (fetching == null) {
            return Secrets.resolve(environment, secrets);
        }
        try {
            return fetching.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    private DynamoDbClient dynamoClient(GatewayConfig.Store store) {
        return DynamoDbStores.client(store, http.get(), AwsEnvironment.region(environment),
                AwsEnvironment.credentials(environment));
    }

    private Gateway.Stores stores(GatewayConfig config, List<User> users, Clock clock) {
        if (config.store().type() == StoreType.MEMORY) {
            return Gateway.Stores.inMemory(users, clock);
        }
        Gateway.Stores stores = DynamoDbStores.create(dynamoClient(config.store()), config, clock,
                Optional.empty());
        if (ownsUsers) {
            ConfiguredUsers.seed(users, stores.users(), stores.revocations(), clock);
        }
        return stores;
    }
}
