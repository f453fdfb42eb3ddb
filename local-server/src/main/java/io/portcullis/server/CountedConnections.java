package io.portcullis.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP/1.1 connection selector, counting the connections it serves while they are open: a connection's
 * {@code handle} runs from its first request to its close (a WebSocket tunnel runs inside it), so the count is the
 * number of client connections open now.
 */
final class CountedConnections implements ServerConnectionSelector {
    private final ServerConnectionSelector delegate;
    private final AtomicInteger open;

    CountedConnections(ServerConnectionSelector delegate, AtomicInteger open) {
        this.delegate = delegate;
        this.open = open;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return delegate.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return delegate.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return delegate.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new Counted(delegate.connection(ctx));
    }

    private final class Counted implements ServerConnection {
        private final ServerConnection connection;

        Counted(ServerConnection connection) {
            this.connection = connection;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            open.incrementAndGet();
            try {
                connection.handle(limit);
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public Duration idleTime() {
            return connection.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            connection.close(interrupt);
        }
    }
}
