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
 */
final class ServerStores implements AutoCloseable {
    private final SessionStores.Opened opened;
    private final Optional<ScheduledExecutorService> scheduler;
    private final Optional<AmazonDynamoDBLocal> embedded;
    private final Optional<DynamoDbClient> client;

    private ServerStores(SessionStores.Opened opened, Optional<ScheduledExecutorService> scheduler,
            Optional<AmazonDynamoDBLocal> embedded, Optional<DynamoDbClient> client) {
        this.opened = opened;
        this.scheduler = scheduler;
        this.embedded = embedded;
        this.client = client;
    }

    /** Opens the configured store, measured into {@code metrics}, and writes the configured users into it. */
    static ServerStores open(GatewayConfig config, List<User> users, GatewayMetrics metrics, Clock clock) {
        GatewayConfig.Store store = config.store();
        if (store.type() == GatewayConfig.StoreType.MEMORY) {
            return new ServerStores(SessionStores.open(config, Gateway.Stores.inMemory(users, clock), clock),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
        Optional<AmazonDynamoDBLocal> embedded = Optional.empty();
        DynamoDbClient client;
        if (store.type() == GatewayConfig.StoreType.EMBEDDED) {
            // true: no telemetry. A gateway does not phone home (DynamoDB Local would report its starts to AWS).
            embedded = Optional.of(DynamoDBEmbedded.create(databaseFile(store.dataDir()).toFile(), true));
            client = MeteredDynamoDb.wrap(embedded.get().dynamoDbClient(), metrics);
        } else {
            client = MeteredDynamoDb.wrap(DynamoDbStores.client(store, Apache5HttpClient.create()), metrics);
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
                Optional.of(client));
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

    Gateway.Stores stores() {
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
    }
}
