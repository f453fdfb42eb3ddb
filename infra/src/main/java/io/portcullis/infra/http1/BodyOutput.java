package io.portcullis.infra.http1;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A body being written, framed as its head announced: exactly {@code Content-Length} bytes, chunks, or bytes until
 * the connection closes. {@link #close} ends the body (the last chunk), not the connection.
 */
public abstract class BodyOutput extends OutputStream {
    protected final Http1Output out;
    private boolean closed;

    private BodyOutput(Http1Output out) {
        this.out = out;
    }

    /** A body of exactly {@code length} bytes: writing more is an error, closing early too. */
    public static BodyOutput length(Http1Output out, long length) {
        return new Length(out, length);
    }

    /** A chunked body (HTTP/1.1 only). */
    public static BodyOutput chunked(Http1Output out) {
        return new Chunked(out);
    }

    /** A body that ends when the connection closes (an answer to HTTP/1.0 without a known length). */
    public static BodyOutput untilClose(Http1Output out) {
        return new Raw(out);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Ends the body (writes the last chunk) and flushes; the connection stays open. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            finish();
            out.flush();
        }
    }

    /** Whether {@link #close} ended the body as framed. */
    public boolean closed() {
        return closed;
    }

    abstract void finish() throws IOException;

    private static final class Length extends BodyOutput {
        private long remaining;

        Length(Http1Output out, long length) {
            super(out);
            this.remaining = length;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > remaining) {
                throw new IOException("the body is longer than its Content-Length");
            }
            out.write(b, off, len);
            remaining -= len;
        }

        @Override
        void finish() throws IOException {
            if (remaining != 0) {
                throw new IOException("the body ended " + remaining + " bytes before its Content-Length");
            }
        }
    }

    private static final class Chunked extends BodyOutput {
        Chunked(Http1Output out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return; // a zero-size chunk would end the body
            }
            out.writeChunkSize(len);
            out.write(b, off, len);
            out.writeCrlf();
        }

        @Override
        void finish() throws IOException {
            out.writeChunkSize(0);
            out.writeCrlf();
        }
    }

    private static final class Raw extends BodyOutput {
        Raw(Http1Output out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        void finish() {
        }
    }
}
