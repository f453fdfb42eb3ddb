package io.portcullis.infra.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The body of a message as a stream, delimited as its {@link Framing} says; reading past its end gives -1. */
public final class Bodies {

    private Bodies() {
    }

    /**
     * @param limits the limits of the trailer section of a chunked body (the head's limits)
     */
    public static InputStream of(Framing framing, Http1Input in, HeadParser.Limits limits) {
        return switch (framing.kind()) {
            case NONE -> new LengthBody(in, 0);
            case LENGTH -> new LengthBody(in, framing.length());
            case CHUNKED -> new ChunkedBody(in, limits);
            case UNTIL_CLOSE -> new UntilClose(in);
        };
    }

    /**
     * Whether {@code body} was read to its end, so that the connection is positioned at the next message. A body
     * from {@link #of} that was not may be drained with {@link InputStream#skip} or must cost the connection.
     */
    public static boolean finished(InputStream body) {
        return body instanceof Delimited delimited && delimited.finished();
    }

    /**
     * Copies {@code in} to {@code out} through a buffer of {@code bufferBytes}; with {@code flushEachRead}, flushes
     * after every read, so that what arrives in pieces (server-sent events, a tunnel) goes on as it arrives rather
     * than when a buffer fills. The number of bytes copied.
     */
    public static long copy(InputStream in, OutputStream out, int bufferBytes, boolean flushEachRead)
            throws IOException {
        byte[] buffer = new byte[bufferBytes];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            total += n;
            if (flushEachRead) {
                out.flush();
            }
        }
        return total;
    }

    /** A body that knows when it has been read to its end. */
    private abstract static class Delimited extends InputStream {
        abstract boolean finished();

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** Exactly {@code length} bytes; the connection closing sooner is an error, not an end. */
    private static final class LengthBody extends Delimited {
        private final Http1Input in;
        private long remaining;

        LengthBody(Http1Input in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("the connection closed before the end of the body (Content-Length)");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(remaining, in.buffered());
        }

        @Override
        boolean finished() {
            return remaining == 0;
        }
    }

    /** Everything the sender sends until it closes: a response without length or chunking. */
    private static final class UntilClose extends Delimited {
        private final Http1Input in;
        private boolean done;

        UntilClose(Http1Input in) {
            this.in = in;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            int n = in.read(b, off, len);
            done = n < 0;
            return n;
        }

        @Override
        boolean finished() {
            return done;
        }
    }

    /**
     * The chunked transfer coding (RFC 9112 §7.1), decoded: {@code size [; extensions] CRLF data CRLF}, repeated,
     * then a zero size, a trailer section and CRLF. Sizes are hex digits only (no sign, space or overflow);
     * extensions are checked against their grammar and ignored; the CRLF after each chunk's data must be there;
     * trailer fields are checked like header fields and dropped (they are not passed on, RFC 9110 §6.5.1 allows
     * that).
     */
    private static final class ChunkedBody extends Delimited {
        private static final int MAX_SIZE_LINE = 4096;
        /** Hex digits of a chunk size that still fit in a long. */
        private static final int MAX_SIZE_DIGITS = 15;

        private final Http1Input in;
        private final HeadParser.Limits limits;
        private long remaining;
        private boolean started;
        private boolean done;

        ChunkedBody(Http1Input in, HeadParser.Limits limits) {
            this.in = in;
            this.limits = limits;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (remaining == 0) {
                if (done) {
                    return -1;
                }
                if (started) {
                    requireCrlf();
                }
                started = true;
                remaining = nextSize();
                if (remaining == 0) {
                    HeadParser.fields(in, limits, 0);
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("the connection closed in the middle of a chunk");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(remaining, in.buffered());
        }

        @Override
        boolean finished() {
            return done;
        }

        private void requireCrlf() throws IOException {
            if (in.read() != '\r' || in.read() != '\n') {
                throw new MalformedHttpException("a chunk's data is not followed by CRLF");
            }
        }

        /** Parses {@code chunk-size [chunk-ext] CRLF}. */
        private long nextSize() throws IOException {
            int lf = in.lineEnd(MAX_SIZE_LINE, MalformedHttpException.Kind.MALFORMED, "a chunk size line");
            int start = in.position();
            byte[] b = in.buffer();
            int end = lf - 1;
            long size = 0;
            int i = start;
            for (; i < end && Character.digit(b[i], 16) >= 0; i++) {
                if (i - start == MAX_SIZE_DIGITS) {
                    throw new MalformedHttpException("a chunk size is too large");
                }
                size = size << 4 | Character.digit(b[i], 16);
            }
            if (i == start) {
                throw new MalformedHttpException("a chunk size is not a hexadecimal number");
            }
            checkExtensions(b, i, end);
            in.consumeTo(lf + 1);
            return size;
        }

        /** {@code *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )}, RFC 9112 §7.1.1. */
        private static void checkExtensions(byte[] b, int i, int end) throws MalformedHttpException {
            while (true) {
                i = skipWhitespace(b, i, end);
                if (i == end) {
                    return;
                }
                if (b[i] != ';') {
                    throw new MalformedHttpException("a chunk size is followed by something other than an extension");
                }
                i = skipWhitespace(b, i + 1, end);
                int name = i;
                while (i < end && Tokens.isTchar(b[i])) {
                    i++;
                }
                if (i == name) {
                    throw new MalformedHttpException("a chunk extension has no name");
                }
                i = skipWhitespace(b, i, end);
                if (i < end && b[i] == '=') {
                    i = skipWhitespace(b, i + 1, end);
                    i = i < end && b[i] == '"' ? quotedString(b, i, end) : token(b, i, end);
                }
            }
        }

        private static int token(byte[] b, int i, int end) throws MalformedHttpException {
            int start = i;
            while (i < end && Tokens.isTchar(b[i])) {
                i++;
            }
            if (i == start) {
                throw new MalformedHttpException("a chunk extension has an empty value");
            }
            return i;
        }

        private static int quotedString(byte[] b, int i, int end) throws MalformedHttpException {
            for (i++; i < end; i++) {
                int c = b[i] & 0xff;
                if (c == '"') {
                    return i + 1;
                }
                if (c == '\\') {
                    i++;
                    if (i == end || !Tokens.isFieldValueByte(b[i] & 0xff)) {
                        break;
                    }
                } else if (!Tokens.isFieldValueByte(c)) {
                    break;
                }
            }
            throw new MalformedHttpException("a chunk extension has a malformed quoted string");
        }

        private static int skipWhitespace(byte[] b, int i, int end) {
            while (i < end && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
            return i;
        }
    }
}
