package io.portcullis.infra.http1;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The writing side of one HTTP/1.1 connection: a buffer in front of the socket, so that a head and a small body go
 * out in one write. One per connection, used by one thread at a time (no lock, unlike BufferedOutputStream).
 * With a {@link BufferPool} the buffer is taken at the first write and given back at each {@link #flush()}: the end
 * of a message, after which the connection may wait a long time before it writes again.
 */
public final class Http1Output extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    private final OutputStream out;
    private final BufferPool pool;
    private final int size;
    /** Null while given back to the pool (never without one). */
    private byte[] buffer;
    private int count;
    private long written;

    /** With a buffer of its own, kept for the stream's life. */
    public Http1Output(OutputStream out, int size) {
        this.out = out;
        this.pool = null;
        this.size = size;
        this.buffer = new byte[size];
    }

    /** With a buffer from {@code pool} while there is something to write. */
    public Http1Output(OutputStream out, BufferPool pool) {
        this.out = out;
        this.pool = pool;
        this.size = pool.size();
    }

    private byte[] buffer() {
        if (buffer == null) {
            buffer = pool.take();
        }
        return buffer;
    }

    /** Bytes handed to this stream since it was made (buffered ones included). */
    public long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == size) {
            flushBuffer();
        }
        buffer()[count++] = (byte) b;
        written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len >= size) {
            flushBuffer();
            out.write(b, off, len);
        } else {
            if (len > size - count) {
                flushBuffer();
            }
            System.arraycopy(b, off, buffer(), count, len);
            count += len;
        }
        written += len;
    }

    /** Writes {@code text}, whose characters are all below 256 (a head: the caller has checked it), one byte each. */
    public void writeLatin1(String text) throws IOException {
        int length = text.length();
        if (length > size - count) {
            flushBuffer();
            if (length > size) {
                write(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                return;
            }
        }
        byte[] buffer = buffer();
        for (int i = 0; i < length; i++) {
            buffer[count + i] = (byte) text.charAt(i);
        }
        count += length;
        written += length;
    }

    /** Writes {@code name: value} and CRLF. */
    public void writeField(String name, String value) throws IOException {
        writeLatin1(name);
        write(':');
        write(' ');
        writeLatin1(value);
        write(CRLF, 0, 2);
    }

    public void writeCrlf() throws IOException {
        write(CRLF, 0, 2);
    }

    /** Writes {@code value} in decimal. */
    public void writeDecimal(long value) throws IOException {
        writeLatin1(Long.toString(value));
    }

    /** Writes a chunk-size line: {@code value} in hexadecimal, CRLF. */
    void writeChunkSize(long value) throws IOException {
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 3) / 4);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            write(HEX[(int) (value >>> shift) & 0xf]);
        }
        write(CRLF, 0, 2);
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
        if (pool != null && buffer != null) {
            pool.give(buffer);
            buffer = null;
        }
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
    }

    /** Flushes, then closes the socket's stream. */
    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }
}
