package io.portcullis.server;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.portcullis.core.ConfiguredUsers;
import io.portcullis.core.Gateway;
import io.portcullis.core.User;
import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.infra.SessionStores;
import io.portcullis.infra.dynamodb.DynamoDbRevocations;
import io.portcullis.infra.dynamodb.DynamoDbStores;
import io.portcullis.infra.dynamodb.TableNames;
import io.portcullis.infra.dynamodb.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The server's stores, by {@code store.type}: in memory; DynamoDB Local in-process, persisted in
 * {@code store.data-dir} (the default); or DynamoDB proper. The DynamoDB kinds go through the same adapters as the
 * Lambda functions. Session credentials live where {@code sessions.store} says: in memory, in the sessions table,
 * or in Redis. Closing it stops the background refresh, the Redis pool and DynamoDB Local.
 *
 * <p>The embedded store holds a lock on {@code portcullis.lock} in its data directory while open: DynamoDB Local
 * keeps state in memory, so a second process (another server, the command line) on the same directory is refused
 * rather than allowed to write beside it.
 */
public final class ServerStores implements AutoCloseable {
    private final SessionStores.Opened opened;
    private final Optional<ScheduledExecutorService> scheduler;
    private final Optional<AmazonDynamoDBLocal> embedded;
    private final Optional<DynamoDbClient> client;
    private final Optional<DataDirLock> lock;

    private ServerStores(SessionStores.Opened opened, Optional<ScheduledExecutorService> scheduler,
            Optional<AmazonDynamoDBLocal> embedded, Optional<DynamoDbClient> client, Optional<DataDirLock> lock) {
        this.opened = opened;
        this.scheduler = scheduler;
        this.embedded = embedded;
        this.client = client;
        this.lock = lock;
    }

    /** Opens the configured store and writes the configured users into it, unmeasured (the command line's). */
    public static ServerStores open(GatewayConfig config, List<User> users, Clock clock) {
        return open(config, users, Optional.empty(), clock);
    }

    /** Opens the configured store, measured into {@code metrics}, and writes the configured users into it. */
    static ServerStores open(GatewayConfig config, List<User> users, GatewayMetrics metrics, Clock clock) {
        return open(config, users, Optional.of(metrics), clock);
    }

    /**
     * DynamoDB Local logs through Log4j's API. Log4j's implementation is left out of the package (local-server's
     * pom), so the API's simple logger takes its errors (to stderr: stdout stays JSON lines), as Log4j's default
     * configuration did (errors only); without this the API would first complain that no implementation is there.
     * An operator's own setting wins.
     */
    private static void quietDynamoDbLocalLogging() {
        if (System.getProperty("log4j2.loggerContextFactory") == null) {
            System.setProperty("log4j2.loggerContextFactory",
                    "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        }
    }

    private static ServerStores open(GatewayConfig config, List<User> users, Optional<GatewayMetrics> metrics,
            Clock clock) {
        GatewayConfig.Store store = config.store();
        if (store.type() == GatewayConfig.StoreType.MEMORY) {
            return new ServerStores(SessionStores.open(config, Gateway.Stores.inMemory(users, clock), clock),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        Optional<AmazonDynamoDBLocal> embedded = Optional.empty();
        Optional<DataDirLock> lock = Optional.empty();
        DynamoDbClient client;
        if (store.type() == GatewayConfig.StoreType.EMBEDDED) {
            Path file = databaseFile(store.dataDir());
            lock = Optional.of(DataDirLock.acquire(store.dataDir()));
            try {
                quietDynamoDbLocalLogging();
                // true: no telemetry. A gateway does not phone home (DynamoDB Local would report starts to AWS).
                embedded = Optional.of(DynamoDBEmbedded.create(file.toFile(), true));
            } catch (RuntimeException e) {
                lock.get().close();
                throw e;
            }
            client = metered(embedded.get().dynamoDbClient(), metrics);
        } else {
            client = metered(DynamoDbStores.client(store, Apache5HttpClient.create()), metrics);
        }
        if (store.createTables()) {
            Tables.ensure(client, TableNames.withPrefix(store.tablePrefix()));
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "revocation-refresh");
            thread.setDaemon(true);
            return thread;
        });
        Gateway.Stores stores = DynamoDbStores.create(client, config, clock, Optional.of(scheduler));
        ConfiguredUsers.seed(users, stores.users(), stores.revocations(), clock);
        return new ServerStores(SessionStores.open(config, stores, clock), Optional.of(scheduler), embedded,
                Optional.of(client), lock);
    }

    private static DynamoDbClient metered(DynamoDbClient client, Optional<GatewayMetrics> metrics) {
        return metrics.map(m -> MeteredDynamoDb.wrap(client, m)).orElse(client);
    }

    /**
     * The SQLite file DynamoDB Local keeps in the data directory. Checked here because DynamoDB Local retries an
     * unopenable file forever instead of failing.
     */
    private static Path databaseFile(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new ConfigException("store.data-dir: cannot create " + dataDir.toAbsolutePath() + ": " + e);
        }
        if (!Files.isWritable(dataDir)) {
            throw new ConfigException("store.data-dir: " + dataDir.toAbsolutePath() + " is not writable");
        }
        Path file = dataDir.resolve("portcullis.db");
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new ConfigException("store.data-dir: " + file.toAbsolutePath() + " is not writable");
        }
        return file;
    }

    public Gateway.Stores stores() {
        return opened.stores();
    }

    /**
     * Why the store cannot be relied on now, for readiness: the revocation feed (read every half second) could not
     * be read. Empty for the memory store, and while the feed is followed.
     */
    Optional<String> problem() {
        return opened.stores().revocations() instanceof DynamoDbRevocations feed ? feed.problem() : Optional.empty();
    }

    @Override
    public void close() {
        scheduler.ifPresent(ScheduledExecutorService::shutdownNow);
        opened.close();
        client.ifPresent(DynamoDbClient::close);
        embedded.ifPresent(AmazonDynamoDBLocal::shutdown);
        lock.ifPresent(DataDirLock::close);
    }
}
