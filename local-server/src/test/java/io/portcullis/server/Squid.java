package io.portcullis.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real squid (Debian's package, which {@code .ci/run} installs) on a loopback port, asking for Basic
 * credentials: the forward proxy that routes with {@code proxy:} go through. Its access log says what it was asked,
 * in the form it was asked: {@code GET http://host:port/path} for http targets, {@code CONNECT host:port} for https.
 */
final class Squid implements AutoCloseable {
    private static final Path SQUID = Path.of("/usr/sbin/squid");
    private static final Path NCSA = Path.of("/usr/lib/squid/basic_ncsa_auth");

    private final Path dir;
    private final int port;
    private final Process process;

    /** @param parent a directory for its config, password file and logs (made readable to squid's own user) */
    Squid(Path parent, String username, String password) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(SQUID) && Files.isExecutable(NCSA),
                "squid is not installed (apt-get install squid); .ci/run installs it");
        // Squid started as root runs as its own user, which must reach these files.
        dir = Files.createDirectories(parent.resolve("squid"));
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(dir.resolve("passwd"), username + ":" + apr1(password) + "\n");
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Files.writeString(dir.resolve("squid.conf"), """
                http_port 127.0.0.1:%2$d
                pid_filename %1$s/squid.pid
                access_log stdio:%1$s/access.log
                cache_log %1$s/cache.log
                cache_store_log none
                coredump_dir %1$s
                cache deny all
                strip_query_terms off
                shutdown_lifetime 0 seconds
                auth_param basic program %3$s %1$s/passwd
                auth_param basic realm portcullis-test
                acl authed proxy_auth REQUIRED
                http_access deny !authed
                http_access allow authed
                http_access deny all
                """.formatted(dir, port, NCSA));
        process = new ProcessBuilder(SQUID.toString(), "-N", "-f", dir.resolve("squid.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("squid.out").toFile()).start();
        awaitListening(Duration.ofSeconds(20));
    }

    int port() {
        return port;
    }

    /**
     * The request lines squid logged so far: {@code METHOD target}. Squid logs a transaction when it ends: a
     * {@code CONNECT} when its tunnel closes.
     */
    List<String> requests() throws IOException {
        Path log = dir.resolve("access.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream().map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields.length > 6).map(fields -> fields[5] + " " + fields[6]).toList();
    }

    /** Waits up to 10 s for squid to log {@code line}; whether it did. */
    boolean logged(String line) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!requests().contains(line)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private void awaitListening(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("squid stopped: " + Files.readString(dir.resolve("squid.out")));
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("squid did not listen within " + limit);
    }

    /** An Apache MD5 password hash, which squid's basic_ncsa_auth reads, from OpenSSL. */
    private static String apr1(String password) throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder("openssl", "passwd", "-apr1", "-stdin").start();
        openssl.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
        openssl.getOutputStream().close();
        String hash = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (openssl.waitFor() != 0 || !hash.startsWith("$apr1$")) {
            throw new IOException("openssl passwd failed");
        }
        return hash;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
