package io.portcullis.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy in front of DynamoDB Local that notes every call a function makes: the action (from
 * {@code X-Amz-Target}, {@code DynamoDB_20120810.GetItem}) and the table (the body's {@code TableName}), which is
 * what an IAM policy grants. Requests and answers pass through byte for byte (DynamoDB Local does not check
 * signatures, and the SDK's CRC32 check of the answer holds).
 */
final class RecordingDynamoProxy implements AutoCloseable {
    /** A call whose body names no single table (a batch, say): IAM would need it granted on each of its tables. */
    static final String NO_TABLE = "<no TableName>";
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Set<String>> actionsByTable = new ConcurrentHashMap<>();
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpServer server;

    RecordingDynamoProxy(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Forgets what was called so far: the next phase of a test is recorded on its own. */
    void clear() {
        actionsByTable.clear();
    }

    /** Table name → the DynamoDB actions called on it (without the {@code dynamodb:} prefix), so far. */
    Map<String, Set<String>> actionsByTable() {
        Map<String, Set<String>> copy = new TreeMap<>();
        actionsByTable.forEach((table, actions) -> copy.put(table, new TreeSet<>(actions)));
        return copy;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String action = amzTarget == null ? "<no X-Amz-Target>" : amzTarget.substring(amzTarget.indexOf('.') + 1);
            JsonNode tableName = body.length == 0 ? null : JSON.readTree(body).get("TableName");
            String table = tableName == null || !tableName.isTextual() ? NO_TABLE : tableName.asText();
            actionsByTable.computeIfAbsent(table, t -> ConcurrentHashMap.newKeySet()).add(action);

            HttpRequest.Builder forwarded = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(10))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> forwarded.header(name, value));
                }
            });
            HttpResponse<byte[]> answer = client.send(forwarded.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, List.copyOf(values));
                }
            });
            byte[] bytes = answer.body();
            exchange.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
