package io.portcullis.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (version 2018-06-01) as the real runtime interface client talks to it: it long-polls
 * {@code invocation/next} for events and posts each result to {@code invocation/<id>/response} (or
 * {@code /error}). The test queues events and reads the answers.
 */
final class RuntimeApiStub implements AutoCloseable {
    /** An answer the function posted: a response or an error, and when it arrived. */
    record Result(boolean error, String body, long receivedNanos) {
    }

    private final HttpServer server;
    private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
    private final Map<String, BlockingQueue<Result>> results = new ConcurrentHashMap<>();
    private final BlockingQueue<String> initErrors = new LinkedBlockingQueue<>();

    RuntimeApiStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/2018-06-01/runtime/", this::handle);
        server.start();
    }

    /** {@code host:port}, for {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an event; returns its request id. */
    String invoke(String event) {
        String id = UUID.randomUUID().toString();
        results.put(id, new LinkedBlockingQueue<>());
        events.add(new String[] {id, event});
        return id;
    }

    /** The answer to {@code requestId}, waiting up to {@code seconds}; null if none yet. */
    Result poll(String requestId, long seconds) throws InterruptedException {
        Result result = results.get(requestId).poll(seconds, TimeUnit.SECONDS);
        if (result == null && !initErrors.isEmpty()) {
            throw new AssertionError("the function failed to initialise: " + initErrors);
        }
        return result;
    }

    /** What the function posted to {@code init/error}, waiting up to {@code seconds}; null if it did not. */
    String initError(long seconds) throws InterruptedException {
        return initErrors.poll(seconds, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            if (path.endsWith("/invocation/next")) {
                String[] next = events.poll(60, TimeUnit.SECONDS);
                if (next == null) {
                    exchange.sendResponseHeaders(204, -1);
                    return;
                }
                byte[] body = next[1].getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next[0]);
                exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                        Long.toString(System.currentTimeMillis() + 30_000));
                exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:us-east-1:123456789012:function:portcullis");
                exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
                // The runtime client's native code takes the Content-Type for granted (strlen of NULL without it).
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            String posted = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            long now = System.nanoTime();
            if (path.endsWith("/init/error")) {
                initErrors.add(posted);
            } else {
                String[] parts = path.split("/");
                String id = parts[parts.length - 2];
                results.computeIfAbsent(id, k -> new LinkedBlockingQueue<>())
                        .add(new Result(path.endsWith("/error"), posted, now));
            }
            exchange.sendResponseHeaders(202, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
