package io.portcullis.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real backend on a real socket that records what reached it: method, path, query, headers, and the body's size
 * and SHA-256 (streamed, never held). Special paths: {@code /events} streams two server-sent events, the second
 * once {@link #secondEvent} is released; {@code /slow} answers after 3 s, {@code /held} once {@link #release} is
 * released, {@code /bytes/N} streams N deterministic bytes back, {@code /status/N} answers status N.
 */
final class TestBackend implements AutoCloseable {
    /** What one request looked like when it reached the backend. */
    record Received(String method, String path, String query, Map<String, List<String>> headers, long bodyBytes,
            String bodySha256) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(", ", values);
        }
    }

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger forcedStatus = new java.util.concurrent.atomic.AtomicInteger();
    private final WebServer server;

    TestBackend() {
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .useNio(false)
                .routing(routing -> routing.any(this::handle))
                .build()
                .start();
    }

    /** Lets {@code /held} answer. */
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    /** Lets {@code /events} send its second event. */
    final java.util.concurrent.CountDownLatch secondEvent = new java.util.concurrent.CountDownLatch(1);

    /** From now on, every request is answered with {@code status} (0: answer normally again). */
    void answerEverythingWith(int status) {
        forcedStatus.set(status);
    }

    /** How many requests reached the backend and were not yet taken with {@link #next()}. */
    int count() {
        return received.size();
    }

    int port() {
        return server.port();
    }

    /** The next request the backend saw, waiting up to 5 s. */
    Received next() throws InterruptedException {
        Received next = received.poll(5, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("the backend received nothing");
        }
        return next;
    }

    boolean receivedNothing() {
        return received.isEmpty();
    }

    private void handle(ServerRequest req, ServerResponse res) throws Exception {
        String path = req.prologue().uriPath().rawPath();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        req.headers().forEach(h -> headers.put(h.name().toLowerCase(Locale.ROOT), List.copyOf(h.allValues())));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        if (req.content().hasEntity()) {
            try (InputStream in = req.content().inputStream()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    sha.update(buffer, 0, n);
                    bytes += n;
                }
            }
        }
        received.add(new Received(req.prologue().method().text(), path, req.prologue().query().rawValue(), headers,
                bytes, HexFormat.of().formatHex(sha.digest())));

        if (forcedStatus.get() != 0) {
            res.status(Status.create(forcedStatus.get()));
            res.send("forced " + forcedStatus.get());
        } else if (path.endsWith("/events")) {
            // Server-sent events: the second event waits until the test has seen the first come through.
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
            try (OutputStream out = res.outputStream()) {
                out.write("data: one\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
                boolean released = secondEvent.await(10, TimeUnit.SECONDS);
                out.write((released ? "data: two\n\n" : "data: too late\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } else if (path.endsWith("/held")) {
            res.send(release.await(30, TimeUnit.SECONDS) ? "released" : "never released");
        } else if (path.endsWith("/slow")) {
            Thread.sleep(3000);
            res.send("late");
        } else if (path.contains("/bytes/")) {
            long size = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
            res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
            res.header(HeaderNames.CONTENT_LENGTH, Long.toString(size));
            try (OutputStream out = res.outputStream()) {
                Bytes.write(size, out);
            }
        } else if (path.contains("/status/")) {
            int status = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
            res.status(Status.create(status));
            res.header(HeaderNames.create("X-Backend"), "yes");
            res.header(HeaderNames.create("Set-Cookie"), "a=1");
            res.headers().add(HeaderNames.create("Set-Cookie"), "b=2");
            res.header(HeaderNames.create("Connection"), "X-Hop");
            res.header(HeaderNames.create("X-Hop"), "secret");
            if (status == 302) {
                res.header(HeaderNames.LOCATION, "http://elsewhere.example/next");
            }
            if (status == 204 || status == 304) {
                res.send();
            } else {
                res.send("status " + status);
            }
        } else {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain");
            res.send("hello from " + path);
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Deterministic test bytes, so both ends can hash them without holding them. */
    static final class Bytes {
        private Bytes() {
        }

        static void write(long size, OutputStream out) throws IOException {
            byte[] chunk = chunk();
            for (long left = size; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }

        static String sha256(long size) throws NoSuchAlgorithmException {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] chunk = chunk();
            for (long left = size; left > 0; left -= chunk.length) {
                sha.update(chunk, 0, (int) Math.min(chunk.length, left));
            }
            return HexFormat.of().formatHex(sha.digest());
        }

        static InputStream stream(long size) {
            byte[] chunk = chunk();
            return new InputStream() {
                private long position;

                @Override
                public int read() {
                    return position < size ? chunk[(int) (position++ % chunk.length)] & 0xff : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (position >= size) {
                        return -1;
                    }
                    int offsetInChunk = (int) (position % chunk.length);
                    int n = (int) Math.min(Math.min(len, chunk.length - offsetInChunk), size - position);
                    System.arraycopy(chunk, offsetInChunk, b, off, n);
                    position += n;
                    return n;
                }
            };
        }

        private static byte[] chunk() {
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i * 31 + 7);
            }
            return chunk;
        }
    }
}
