package io.portcullis.server.edge;

import io.portcullis.core.Json;
import io.portcullis.core.config.ServerSettings;
import io.portcullis.infra.http1.HeadParser;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * The listener: accepts connections on a platform thread and serves each on a virtual thread of its own, with a
 * watchdog that closes connections past their deadline.
 *
 * <p>Accepting never stops while the server runs: when {@code accept} fails (the process is out of descriptors,
 * say) the listener logs it, backs off up to a second and tries again, so the server answers again as soon as
 * descriptors are free. Beyond {@code maxConnections} open client connections a new one is answered 503 and
 * closed at once, which keeps the descriptor table from filling up in the first place.
 */
public final class EdgeServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EdgeServer.class.getName());
    /** How often the watchdog looks at every connection's deadline. */
    private static final Duration TICK = Duration.ofMillis(250);
    /** Descriptors kept aside for the JVM, the store and the logs when sizing the connection limit. */
    private static final long RESERVED_DESCRIPTORS = 64;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);

    /** What the server reports, for metrics. */
    public interface Events {
        /** Reports nothing. */
        Events NONE = new Events() {
            @Override
            public void opened() {
            }

            @Override
            public void closed() {
            }

            @Override
            public void refused(int status) {
            }
        };

        void opened();

        void closed();

        /** A request refused before it reached the handler (its head broke the rules), or a connection over the limit. */
        void refused(int status);
    }

    private final ServerSettings settings;
    private final SSLContext tls;
    private final EdgeHandler handler;
    private final Events events;
    private final HeadParser.Limits limits;
    private final int maxConnections;
    private final ServerSocket serverSocket;
    private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread acceptor;
    private final Thread watchdog;

    private EdgeServer(ServerSettings settings, SSLContext tls, EdgeHandler handler, Events events)
            throws IOException {
        this.settings = settings;
        this.tls = tls;
        this.handler = handler;
        this.events = events;
        this.limits = new HeadParser.Limits(Math.min(8192, settings.maxHeaderBytes()), settings.maxHeaderBytes(), 256);
        this.maxConnections = settings.maxConnections().orElseGet(EdgeServer::defaultMaxConnections);
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()),
                settings.backlog());
        this.acceptor = Thread.ofPlatform().name("portcullis-accept").unstarted(this::acceptLoop);
        this.watchdog = Thread.ofPlatform().name("portcullis-watchdog").daemon().unstarted(this::watch);
    }

    /**
     * Binds and starts serving.
     *
     * @param tls the listener's TLS, or {@code null} for plain HTTP
     * @throws IOException when the address cannot be bound
     */
    public static EdgeServer start(ServerSettings settings, SSLContext tls, EdgeHandler handler, Events events)
            throws IOException {
        EdgeServer server = new EdgeServer(settings, tls, handler, events);
        server.acceptor.start();
        server.watchdog.start();
        return server;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public boolean hasTls() {
        return tls != null;
    }

    /** The most client connections open at once. */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * The default connection limit: half of the descriptors left once the process has started (each proxied
     * client connection may hold a backend connection too), less a reserve.
     */
    static int defaultMaxConnections() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long free = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - RESERVED_DESCRIPTORS;
            return (int) Math.max(16, Math.min(free / 2, 1_000_000));
        }
        return 10_000;
    }

    private void acceptLoop() {
        long backoffMillis = 0;
        long failures = 0;
        long lastLog = 0;
        while (running.get()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
                backoffMillis = 0;
            } catch (IOException e) {
                if (!running.get()) {
                    return;
                }
                failures++;
                long now = System.nanoTime();
                if (lastLog == 0 || now - lastLog > LOG_EVERY.toNanos()) {
                    lastLog = now;
                    LOG.log(System.Logger.Level.WARNING, "accepting a connection failed (" + e.getMessage()
                            + "), " + failures + " time(s) so far; still listening, retrying");
                }
                backoffMillis = Math.min(MAX_BACKOFF.toMillis(), Math.max(10, backoffMillis * 2));
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
                continue;
            }
            if (open.size() >= maxConnections) {
                refuseOverLimit(socket);
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                close(socket);
                continue;
            }
            ClientConnection connection = new ClientConnection(this, socket);
            open.add(connection);
            events.opened();
            Thread.ofVirtual().start(connection);
        }
    }

    /** Over the limit: a 503 (on plain HTTP; a TLS client just sees the close) and the connection closed. */
    private void refuseOverLimit(Socket socket) {
        events.refused(503);
        if (tls == null) {
            byte[] body = Json.error("overloaded", "the gateway has too many open connections; retry shortly");
            String head = StatusLines.of(503) + "Content-Type: application/json\r\nRetry-After: 1\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n";
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                socket.shutdownOutput();
            } catch (IOException ignored) {
                // the client is gone already
            }
        }
        close(socket);
    }

    private void watch() {
        while (running.get() || !open.isEmpty()) {
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (ClientConnection connection : open) {
                connection.check(now);
            }
        }
    }

    void ended(ClientConnection connection) {
        if (open.remove(connection)) {
            events.closed();
        }
    }

    void refused(int status) {
        events.refused(status);
    }

    ServerSettings settings() {
        return settings;
    }

    SSLContext tls() {
        return tls;
    }

    EdgeHandler handler() {
        return handler;
    }

    HeadParser.Limits limits() {
        return limits;
    }

    /**
     * Stops accepting, closes idle connections, lets answers in progress finish up to the shutdown grace period,
     * then closes whatever is left.
     */
    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        close(serverSocket);
        try {
            acceptor.join(MAX_BACKOFF.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open.forEach(ClientConnection::shutdown);
        long deadline = System.nanoTime() + settings.shutdownGracePeriod().toNanos();
        while (!open.isEmpty() && System.nanoTime() - deadline < 0) {
            open.forEach(ClientConnection::shutdown); // one that went idle since
            pause();
        }
        open.forEach(ClientConnection::forceClose);
        watchdog.interrupt();
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing was the point
        }
    }
}
