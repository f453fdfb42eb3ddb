package io.portcullis.server.edge;

import io.portcullis.core.Header;
import io.portcullis.core.Json;
import io.portcullis.infra.http1.BufferPool;
import io.portcullis.infra.http1.Framing;
import io.portcullis.infra.http1.HeadParser;
import io.portcullis.infra.http1.Http1Input;
import io.portcullis.infra.http1.Http1Output;
import io.portcullis.infra.http1.MalformedHttpException;
import io.portcullis.infra.http1.RequestHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;

/**
 * One client connection, on its own virtual thread: requests read one after another (pipelined ones in order),
 * each answered before the next is read, until either side closes, a deadline passes or the server stops.
 *
 * <p>Deadlines: the first request head must be complete within the header timeout of the connection's start; a
 * kept-alive connection may wait the idle timeout for its next request, whose head must then be complete within
 * the header timeout of its first byte; reading a request body and writing an answer may each pause at most the
 * idle timeout. Waiting for the backend is the upstream leg's business, not the client's. The server's watchdog
 * closes a connection whose deadline has passed.
 */
final class ClientConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());
    private static final int BUFFER_BYTES = 4096;
    /** Reading and writing buffers, lent while a connection does I/O (a waiting one holds none). */
    private static final BufferPool BUFFERS = new BufferPool(BUFFER_BYTES, 512);
    private static final List<Header> JSON = List.of(new Header("Content-Type", "application/json"),
            new Header("Cache-Control", "no-store"));

    private final EdgeServer server;
    private final Socket socket;
    private final InetAddress peer;
    private Http1Input in;
    private Http1Output out;
    /** {@link System#nanoTime()} after which the watchdog closes the connection; 0: none. */
    private volatile long deadline;
    private volatile boolean bodyPhase;
    private volatile boolean idle;
    private volatile boolean closing;
    private volatile BooleanSupplier stillAllowed;

    ClientConnection(EdgeServer server, Socket socket) {
        this.server = server;
        this.socket = socket;
        this.peer = socket.getInetAddress();
        this.deadline = System.nanoTime() + server.settings().headerTimeout().toNanos();
    }

    @Override
    public void run() {
        Socket active = socket;
        try {
            if (server.tls() != null) {
                SSLSocket tls = (SSLSocket) server.tls().getSocketFactory().createSocket(socket, null,
                        socket.getPort(), true);
                tls.setUseClientMode(false);
                var parameters = tls.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {"http/1.1"});
                tls.setSSLParameters(parameters);
                active = tls;
            }
            in = new Http1Input(new WatchedInput(active.getInputStream()), BUFFERS, server.limits().maxHeadBytes());
            out = new Http1Output(new WatchedOutput(active.getOutputStream()), BUFFERS);
            serveAll();
        } catch (IOException e) {
            // The client went away, was too slow (the watchdog closed it), or sent no TLS: nothing to answer.
            LOG.log(System.Logger.Level.TRACE, () -> "connection from " + peer.getHostAddress() + " ended: " + e);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "connection from " + peer.getHostAddress() + " failed", e);
        } finally {
            close(active);
            server.ended(this);
        }
    }

    private void serveAll() throws IOException {
        long headerNanos = server.settings().headerTimeout().toNanos();
        long idleNanos = server.settings().idleTimeout().toNanos();
        boolean first = true;
        while (true) {
            if (!first) {
                deadline = System.nanoTime() + idleNanos;
                idle = true;
                if (closing || in.buffered() == 0 && !awaitRequest()) {
                    return;
                }
                idle = false;
                deadline = System.nanoTime() + headerNanos;
            } else if (!in.awaitByte()) {
                return;
            }
            first = false;
            bodyPhase = false;
            RequestHead head;
            try {
                head = HeadParser.request(in, server.limits());
            } catch (MalformedHttpException e) {
                refuse(e.kind().status(), e.kind().code(), e.getMessage());
                return;
            }
            deadline = 0;
            if (!serve(head)) {
                return;
            }
        }
    }

    /** Waits for the next request's first byte; {@code false} when the client closed instead. */
    private boolean awaitRequest() throws IOException {
        try {
            return in.awaitByte();
        } catch (IOException e) {
            if (closing) {
                return false; // closed by the server's stop while waiting: the normal end
            }
            throw e;
        }
    }

    /** Serves one request; {@code false} when the connection must close after it. */
    private boolean serve(RequestHead head) throws IOException {
        Framing framing;
        try {
            framing = Framing.ofRequest(head);
        } catch (MalformedHttpException e) {
            refuse(e.kind().status(), e.kind().code(), e.getMessage());
            return false;
        }
        boolean expectContinue = false;
        for (String expect : head.headers().all("Expect")) {
            if (!expect.strip().equalsIgnoreCase("100-continue")) {
                refuse(417, "expectation_failed", "only the 100-continue expectation is supported");
                return false;
            }
            expectContinue = head.minorVersion() == 1 && framing.hasBody();
        }
        EdgeExchange exchange = new EdgeExchange(this, head, framing, expectContinue, head.keepAlive() && !closing);
        if (!framing.hasBody()) {
            in.release(); // the head is parsed and there is no body: nothing to read until the answer is out
        }
        try {
            server.handler().serve(exchange);
            if (!exchange.committed()) {
                LOG.log(System.Logger.Level.ERROR, "a handler returned without answering " + head.method());
                answerError(exchange, 500, "internal_error", "the gateway failed to handle this request");
            }
        } catch (IOException | RuntimeException thrown) {
            // The core reads bodies through streams that cannot throw IOException: unwrap what it wrapped.
            Exception e = thrown instanceof java.io.UncheckedIOException unchecked ? unchecked.getCause() : thrown;
            if (exchange.committed()) {
                LOG.log(System.Logger.Level.DEBUG, () -> "an answer broke off: " + e);
                return false;
            }
            MalformedHttpException malformed = malformed(e);
            if (malformed != null) {
                answerError(exchange, malformed.kind().status(), malformed.kind().code(), malformed.getMessage());
            } else if (e instanceof IOException) {
                return false; // the client went away while its body was read
            } else {
                LOG.log(System.Logger.Level.ERROR, "request failed", e);
                answerError(exchange, 500, "internal_error", "the gateway failed to handle this request");
            }
            return false;
        } finally {
            stillAllowed = null;
        }
        if (exchange.takenOver() || !exchange.finishOutput() || !exchange.keepAlive()) {
            return false;
        }
        return exchange.bodyConsumed() || drain(exchange);
    }

    private boolean drain(EdgeExchange exchange) {
        try {
            InputStream body = exchange.body();
            byte[] sink = new byte[BUFFER_BYTES];
            while (body.read(sink) >= 0) {
                // dropped
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void answerError(EdgeExchange exchange, int status, String code, String message) throws IOException {
        exchange.closeAfter();
        exchange.respond(status, JSON, Json.error(code, message));
    }

    /** Answers a request refused before it had an exchange (its head broke the rules), and ends the connection. */
    private void refuse(int status, String code, String message) throws IOException {
        byte[] body = Json.error(code, message);
        out.writeLatin1(StatusLines.of(status));
        for (Header header : JSON) {
            out.writeField(header.name(), header.value());
        }
        out.writeField("Date", HttpDate.now());
        out.writeField("Content-Length", Integer.toString(body.length));
        out.writeLatin1("Connection: close\r\n\r\n");
        out.write(body);
        out.flush();
        server.refused(status);
    }

    private static MalformedHttpException malformed(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MalformedHttpException malformed) {
                return malformed;
            }
        }
        return null;
    }

    Http1Input in() {
        return in;
    }

    Http1Output out() {
        return out;
    }

    HeadParser.Limits bodyLimits() {
        return server.limits();
    }

    InetAddress peer() {
        return peer;
    }

    boolean secure() {
        return server.tls() != null;
    }

    /** Reads now belong to a request body: each may pause at most the idle timeout. */
    void bodyPhase(boolean on) {
        bodyPhase = on;
    }

    /** A protocol switch: no deadline on reads; writes keep theirs (a client that stops reading is let go). */
    void tunnelPhase() {
        bodyPhase = false;
        deadline = 0;
    }

    /** While an answer streams or a tunnel is open, the watchdog asks this every tick and closes when it says no. */
    void watch(BooleanSupplier check) {
        stillAllowed = check;
    }

    /** The watchdog's tick: closes the connection when its deadline has passed or its caller lost the right. */
    void check(long now) {
        long due = deadline;
        BooleanSupplier check = stillAllowed;
        if (due != 0 && now - due > 0) {
            LOG.log(System.Logger.Level.DEBUG, () -> "closing a connection from " + peer.getHostAddress()
                    + ": it passed its deadline");
            close(socket);
        } else if (check != null && !check.getAsBoolean()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "closing a connection from " + peer.getHostAddress()
                    + ": its token is no longer valid");
            close(socket);
        }
    }

    /** The server is stopping: an idle connection closes now, a busy one after its current answer. */
    void shutdown() {
        closing = true;
        if (idle) {
            close(socket);
        }
    }

    void forceClose() {
        close(socket);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing was the point
        }
    }

    /** The socket's input, with the idle timeout as the deadline of each read of a request body. */
    private final class WatchedInput extends InputStream {
        private final InputStream delegate;

        WatchedInput(InputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!bodyPhase) {
                return delegate.read(b, off, len);
            }
            deadline = System.nanoTime() + server.settings().idleTimeout().toNanos();
            try {
                return delegate.read(b, off, len);
            } finally {
                deadline = 0;
            }
        }

        @Override
        public int available() throws IOException {
            return delegate.available();
        }
    }

    /** The socket's output, with the idle timeout as the deadline of each write (a client that stops reading). */
    private final class WatchedOutput extends OutputStream {
        private final OutputStream delegate;

        WatchedOutput(OutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            long before = deadline;
            deadline = System.nanoTime() + server.settings().idleTimeout().toNanos();
            try {
                delegate.write(b, off, len);
            } finally {
                deadline = before;
            }
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }
    }
}
