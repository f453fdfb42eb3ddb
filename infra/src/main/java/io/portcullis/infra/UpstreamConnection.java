package io.portcullis.infra;

import io.portcullis.infra.http1.BufferPool;
import io.portcullis.infra.http1.Http1Input;
import io.portcullis.infra.http1.Http1Output;
import java.io.IOException;
import java.net.Socket;

/**
 * One kept-alive connection to a backend (or to the proxy in front of it): the socket with its reading and writing
 * buffers, reused for one request after another by whichever thread takes it from the pool.
 */
final class UpstreamConnection implements AutoCloseable {
    /** A backend's answer head may be this large; the reading buffer (8 KB) grows for one that needs it. */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    /** Reading and writing buffers, lent while a connection does I/O (one kept alive in a pool holds none). */
    private static final BufferPool BUFFERS = new BufferPool(8 * 1024, 256);

    private final Socket socket;
    private final Http1Input in;
    private final Http1Output out;
    private long idleSince;
    private int uses;
    /** {@link System#nanoTime()} by which the body write under way must be done; 0 when none is. */
    private volatile long writeDeadline;
    private volatile boolean writeTimedOut;

    /** @param socket connected, with its read timeout set */
    UpstreamConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new Http1Input(socket.getInputStream(), BUFFERS, MAX_HEAD_BYTES);
        this.out = new Http1Output(socket.getOutputStream(), BUFFERS);
    }

    Http1Input in() {
        return in;
    }

    Http1Output out() {
        return out;
    }

    /** Whether this connection served a request before: a failure before its answer may just mean it went stale. */
    boolean reused() {
        return uses > 1;
    }

    /** Marks the start of a request on this connection. */
    void begin() {
        uses++;
    }

    /** Back in the pool at {@code nanoTime}, its answer read: the reading buffer goes back too. */
    void idle(long nanoTime) {
        idleSince = nanoTime;
        in.release();
    }

    long idleSince() {
        return idleSince;
    }

    /**
     * Whether the backend has sent something while the request body was still going out: an early answer (a
     * refusal of the body, say), to be read before sending more.
     */
    boolean answerWaiting() throws IOException {
        return in.buffered() > 0 || socket.getInputStream().available() > 0;
    }

    /** A body write is starting: it must be done within {@code nanos}, or the connection is closed under it. */
    void writing(long nanos) {
        writeDeadline = System.nanoTime() + nanos;
    }

    void written() {
        writeDeadline = 0;
    }

    /**
     * Closes the connection if a body write has been stuck past its deadline (a backend that stopped reading);
     * whether it did.
     */
    boolean closeIfStuck(long now) {
        long due = writeDeadline;
        if (due != 0 && now - due > 0) {
            writeTimedOut = true;
            close();
            return true;
        }
        return false;
    }

    /** Whether the connection was closed because a write took too long. */
    boolean writeTimedOut() {
        return writeTimedOut;
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
    }
}
