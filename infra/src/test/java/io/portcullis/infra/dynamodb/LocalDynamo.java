package io.portcullis.infra.dynamodb;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import io.portcullis.core.config.GatewayConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local for tests: in-process, or as an HTTP server that a test can stop and start again. Published in
 * the infra test-jar for the shells' tests.
 */
public final class LocalDynamo {
    private static DynamoDbClient embedded;
    private static DynamoDbClient overHttp;

    private LocalDynamo() {
    }

    /** One in-process DynamoDB Local (no HTTP) for the whole test run. */
    public static synchronized DynamoDbClient embedded() {
        if (embedded == null) {
            embedded = DynamoDBEmbedded.create(true).dynamoDbClient();
        }
        return embedded;
    }

    /**
     * One DynamoDB Local HTTP server for the whole test run, through the gateway's own client: the path every
     * deployed gateway takes (DynamoDB's wire protocol, {@link DynamoDbJsonClient}).
     */
    public static synchronized DynamoDbClient overHttp() {
        if (overHttp == null) {
            try {
                HttpServer server = new HttpServer(java.nio.file.Files.createTempDirectory("portcullis-dynamodb"));
                overHttp = server.client(Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not start", e);
            }
        }
        return overHttp;
    }

    /** Fresh tables under a random prefix, so tests never see each other's items. */
    public static TableNames freshTables(DynamoDbClient client) {
        TableNames names = TableNames.withPrefix("t" + UUID.randomUUID().toString().substring(0, 8) + "-");
        Tables.ensure(client, names);
        return names;
    }

    /** DynamoDB Local over HTTP, persisted in {@code dir} so a restart keeps the tables. */
    public static final class HttpServer implements AutoCloseable {
        public final int port;
        private final Path dir;
        private DynamoDBProxyServer server;

        public HttpServer(Path dir) throws Exception {
            this.dir = java.nio.file.Files.createDirectories(dir);
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            start();
        }

        /**
         * Starts the server and waits for its first answer, with a patient client: the first request loads native
         * libraries and can take seconds on a busy machine, longer than the short deadlines tests give their own
         * clients to see an outage quickly.
         */
        public void start() throws Exception {
            server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                "-port", Integer.toString(port), "-dbPath", dir.toString(), "-sharedDb", "-disableTelemetry"});
            server.start();
            try (DynamoDbClient patient = client(Duration.ofSeconds(60))) {
                patient.describeTable(b -> b.tableName("portcullis-probe"));
            } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException answered) {
                // an answer: the server is up
            }
        }

        public void stop() throws Exception {
            server.stop();
        }

        public URI endpoint() {
            return URI.create("http://127.0.0.1:" + port);
        }

        /** A client as the gateway builds one for {@code store.type: dynamodb}, with a short deadline. */
        public DynamoDbClient client(Duration timeout) {
            return DynamoDbStores.client(new GatewayConfig.Store(GatewayConfig.StoreType.DYNAMODB, dir,
                    Optional.of("us-east-1"), Optional.of(endpoint()), "", true, 1, GatewayConfig.FailureMode.DENY,
                    timeout, Duration.ofSeconds(1), true), UrlConnectionHttpClient.create());
        }

        @Override
        public void close() {
            try {
                stop();
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not stop", e);
            }
        }
    }
}
