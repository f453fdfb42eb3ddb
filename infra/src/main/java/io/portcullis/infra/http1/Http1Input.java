package io.portcullis.infra.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The reading side of one HTTP/1.1 connection: a buffer over the socket's stream from which message heads are
 * parsed in place, line by line, and from which body streams read what is left. One per connection, used by one
 * thread at a time; the buffer is reused for every message on the connection. With a {@link BufferPool} it is
 * taken when bytes are to be read and may be given back ({@link #release()}) while nothing is buffered.
 */
public final class Http1Input {
    private final InputStream in;
    private final BufferPool pool;
    private final int maxBuffer;
    /** Null while given back to the pool (never without one). */
    private byte[] buffer;
    private int pos;
    private int end;

    /**
     * With a buffer of its own, kept for the stream's life.
     *
     * @param initial the buffer's starting size: most heads fit in it
     * @param max the most it may grow to, so that a line (a request line, a header field) of up to that length can
     *     be read whole
     */
    public Http1Input(InputStream in, int initial, int max) {
        this.in = in;
        this.pool = null;
        this.buffer = new byte[initial];
        this.maxBuffer = Math.max(initial, max);
    }

    /** With a buffer from {@code pool} (its size is the starting size) while bytes are read or buffered. */
    public Http1Input(InputStream in, BufferPool pool, int max) {
        this.in = in;
        this.pool = pool;
        this.maxBuffer = Math.max(pool.size(), max);
    }

    /**
     * Gives the buffer back to the pool if nothing is buffered: the message read so far is done with and the
     * connection is about to wait (on its backend, or in a pool). The next read takes a buffer again.
     */
    public void release() {
        if (pool != null && buffer != null && pos == end) {
            pool.give(buffer);
            buffer = null;
            pos = 0;
            end = 0;
        }
    }

    /** Bytes already read from the socket and not yet consumed: a pipelined request, say. */
    public int buffered() {
        return end - pos;
    }

    /**
     * Waits until at least one byte is available. {@code false} when the peer closed the connection first: the
     * normal end of a keep-alive connection when nothing was pending.
     */
    public boolean awaitByte() throws IOException {
        return pos < end || fill() > 0;
    }

    /**
     * The index in {@link #buffer()} of the LF that ends the next line, after making sure the whole line is
     * buffered. The line is {@code [position(), lf - 1)}, with the position read after this call (reading more may
     * move the buffered bytes to the start of the buffer): a line must end in CRLF, and a lone CR or LF anywhere in it
     * is malformed (RFC 9112 §2.2: accepting a bare LF is how two parsers come to disagree on where a header ends).
     *
     * @param maxLength the longest line accepted, CRLF included
     * @param tooLong what a longer line is
     */
    int lineEnd(int maxLength, MalformedHttpException.Kind tooLong, String what) throws IOException {
        int scanned = 0; // relative to pos: filling may move the buffered bytes
        while (true) {
            for (int i = pos + scanned; i < end; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    if (i == pos || buffer[i - 1] != '\r') {
                        throw new MalformedHttpException("a line ends in a bare LF; HTTP/1.1 lines end in CRLF");
                    }
                    if (i + 1 - pos > maxLength) {
                        throw new MalformedHttpException(tooLong, what + " is longer than " + maxLength + " bytes");
                    }
                    return i;
                }
                if (b == '\r' && i + 1 < end && buffer[i + 1] != '\n') {
                    throw new MalformedHttpException("a CR that is not followed by LF");
                }
            }
            // A CR last in the buffer is looked at again once the byte after it has arrived.
            scanned = end - pos - (end > pos && buffer[end - 1] == '\r' ? 1 : 0);
            if (end - pos >= maxLength) {
                throw new MalformedHttpException(tooLong, what + " is longer than " + maxLength + " bytes");
            }
            if (fill() < 0) {
                throw new EOFException("the connection closed in the middle of " + what);
            }
        }
    }

    byte[] buffer() {
        return buffer;
    }

    int position() {
        return pos;
    }

    /** Consumes the buffered bytes up to {@code index}, exclusive. */
    void consumeTo(int index) {
        pos = index;
    }

    /** Reads one byte of a body; -1 at the end of the stream. */
    int read() throws IOException {
        if (pos == end && fill() <= 0) {
            return -1;
        }
        return buffer[pos++] & 0xff;
    }

    /**
     * Reads up to {@code length} body bytes: from the buffer while it holds any, else straight from the socket into
     * {@code target} (a large body is not copied twice). -1 at the end of the stream.
     */
    int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (pos < end) {
            int n = Math.min(length, end - pos);
            System.arraycopy(buffer, pos, target, offset, n);
            pos += n;
            return n;
        }
        if (length >= (buffer != null ? buffer.length : pool.size())) {
            return in.read(target, offset, length);
        }
        if (fill() <= 0) {
            return -1;
        }
        int n = Math.min(length, end - pos);
        System.arraycopy(buffer, pos, target, offset, n);
        pos += n;
        return n;
    }

    /**
     * Reads more from the socket after what is buffered, compacting or growing the buffer first when it is full.
     *
     * @return the bytes read, or -1 at the end of the stream
     */
    private int fill() throws IOException {
        if (buffer == null) {
            buffer = pool.take();
        } else if (pos == end) {
            pos = 0;
            end = 0;
        } else if (end == buffer.length) {
            if (pos > 0) {
                System.arraycopy(buffer, pos, buffer, 0, end - pos);
                end -= pos;
                pos = 0;
            } else if (buffer.length < maxBuffer) {
                buffer = Arrays.copyOf(buffer, Math.min(maxBuffer, buffer.length * 2));
            } else {
                throw new IllegalStateException("line limit above the buffer limit");
            }
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n > 0) {
            end += n;
        }
        return n;
    }
}
