package io.portcullis.infra.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/**
 * A real {@code redis-server} (the Debian package) started by the test on a free loopback port, with no
 * persistence; stopped and started again on the same port to play an outage. Tests that need it skip with a JUnit
 * assumption when the binary is not installed ({@code .ci/run} installs it). Published in the infra test-jar.
 */
public final class LocalRedis implements AutoCloseable {
    private final Path binary;
    private final int port;
    private Process process;

    private LocalRedis(Path binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    /** The {@code redis-server} binary, when installed. */
    public static Optional<Path> binary() {
        Stream<String> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"));
        return Stream.concat(path, Stream.of("/usr/bin", "/usr/sbin", "/usr/local/bin"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "redis-server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts a server; call only when {@link #binary()} is present. */
    public static LocalRedis start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        LocalRedis redis = new LocalRedis(binary().orElseThrow(() -> new IOException("redis-server not installed")),
                port);
        redis.startAgain();
        return redis;
    }

    /** Starts the server (again) on its port, and waits until it answers PING. */
    public void startAgain() throws IOException {
        process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--loglevel", "warning"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                stop();
                throw new IOException("redis-server did not start on port " + port);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(5);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Stops the server (its data is gone: no persistence). */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>/<db>}. */
    public URI uri(int db) {
        return URI.create("redis://127.0.0.1:" + port + "/" + db);
    }

    /** A plain client for tests to write and delete keys as a website would. */
    public Jedis client(int db) {
        Jedis jedis = new Jedis("127.0.0.1", port);
        jedis.select(db);
        return jedis;
    }

    @Override
    public void close() {
        stop();
    }
}
