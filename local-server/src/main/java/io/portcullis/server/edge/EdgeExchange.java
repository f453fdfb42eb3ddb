package io.portcullis.server.edge;

import io.portcullis.core.Header;
import io.portcullis.infra.http1.Bodies;
import io.portcullis.infra.http1.BodyOutput;
import io.portcullis.infra.http1.FieldCheck;
import io.portcullis.infra.http1.Framing;
import io.portcullis.infra.http1.Http1Output;
import io.portcullis.infra.http1.RequestHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.List;

/**
 * One request and its answer, as a handler sees them. The answer's framing is the server's: {@code Content-Length}
 * when the length is known, chunked otherwise (or until close, for HTTP/1.0); {@code Connection} and
 * {@code Transfer-Encoding} fields a handler passes are never written, the server writes its own.
 */
public final class EdgeExchange {
    /** A request body left unread up to this size is read and dropped so the connection can serve the next one. */
    static final long DRAIN_LIMIT = 64 * 1024;
    /** What is written to an answer that has no body (or has been written whole): dropped, whether closed or not. */
    private static final OutputStream DISCARD = new OutputStream() {
        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    };

    private final ClientConnection connection;
    private final RequestHead head;
    private final Framing framing;
    private final boolean expectContinue;
    private final long startWritten;
    private InputStream body;
    private boolean bodyStarted;
    private boolean keepAlive;
    private int status;
    private OutputStream output;
    private boolean takenOver;

    EdgeExchange(ClientConnection connection, RequestHead head, Framing framing, boolean expectContinue,
            boolean keepAlive) {
        this.connection = connection;
        this.head = head;
        this.framing = framing;
        this.expectContinue = expectContinue;
        this.keepAlive = keepAlive;
        this.startWritten = connection.out().written();
    }

    public RequestHead head() {
        return head;
    }

    public InetAddress peer() {
        return connection.peer();
    }

    public boolean secure() {
        return connection.secure();
    }

    /** Whether the request has body bytes ({@code Content-Length: 0} has none). */
    public boolean hasBody() {
        return framing.hasBody();
    }

    /**
     * The request body, decoded from its framing; empty when there is none. A client that sent
     * {@code Expect: 100-continue} is told to go on when this is first read, not before: an answer given without
     * reading (a 401, say) spares it sending the body at all.
     */
    public InputStream body() {
        if (body == null) {
            InputStream decoded = Bodies.of(framing, connection.in(), connection.bodyLimits());
            body = !framing.hasBody() ? decoded : new InputStream() {
                @Override
                public int read() throws IOException {
                    begin();
                    return decoded.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    begin();
                    return decoded.read(b, off, len);
                }

                @Override
                public int available() throws IOException {
                    return decoded.available();
                }

                private void begin() throws IOException {
                    if (!bodyStarted) {
                        bodyStarted = true;
                        if (expectContinue && output == null) {
                            connection.out().writeLatin1("HTTP/1.1 100 Continue\r\n\r\n");
                            connection.out().flush();
                        }
                    }
                    connection.bodyPhase(true);
                }
            };
        }
        return body;
    }

    /** Answers with a body of known length (the gateway's own answers), adding {@code Date}. */
    public void respond(int status, List<Header> headers, byte[] content) throws IOException {
        // An answer to HEAD says how long the body would be; 1xx, 204 and 304 have no length at all.
        boolean noLength = status < 200 || status == 204 || status == 304;
        writeHead(status, headers, noLength ? -1 : content.length, true);
        if (!bodyless(status)) {
            connection.out().write(content);
        }
        output = DISCARD;
        connection.out().flush();
    }

    /**
     * Starts an answer whose body the caller streams into the returned stream and then closes. A
     * {@code Content-Length} among {@code headers} frames it (a backend's answer passed on); without one it is
     * chunked. Answers to HEAD, and 1xx, 204 and 304, get no body: what is written is dropped.
     */
    public OutputStream stream(int status, List<Header> headers) throws IOException {
        if (bodyless(status)) {
            writeHead(status, headers, -2, false);
            connection.out().flush();
            output = DISCARD;
            return DISCARD;
        }
        long length = contentLength(headers);
        Http1Output out = connection.out();
        if (length >= 0) {
            writeHead(status, headers, length, false);
            output = BodyOutput.length(out, length);
        } else if (head.minorVersion() == 1) {
            writeHead(status, headers, -1, false);
            output = BodyOutput.chunked(out);
        } else {
            keepAlive = false;
            writeHead(status, headers, -1, false);
            output = BodyOutput.untilClose(out);
        }
        return output;
    }

    /** Whether an answer has started: then only closing the connection can signal a failure. */
    public boolean committed() {
        return output != null;
    }

    /** The answer's status; 0 before it started. */
    public int status() {
        return status;
    }

    /** Bytes of the answer written so far, head included. */
    public long bytesWritten() {
        return connection.out().written() - startWritten;
    }

    /**
     * While this exchange lasts (a streamed answer, a tunnel), the server asks {@code check} a few times a second and
     * closes the connection as soon as it says no: a token that expired or was revoked ends what it opened.
     */
    public void watch(java.util.function.BooleanSupplier check) {
        connection.watch(check);
    }

    /** Closes the connection after this answer (the answer says so). */
    public void closeAfter() {
        keepAlive = false;
    }

    /**
     * Hands the connection's two directions to the caller after a protocol switch ({@code 101}, written by the
     * caller through {@link #rawOutput}): bytes from the client, starting with any it already sent, and the
     * connection's output. The connection ends when the handler returns; no deadline applies meanwhile.
     */
    public InputStream takeOver() {
        takenOver = true;
        keepAlive = false;
        output = DISCARD;
        connection.tunnelPhase();
        return Bodies.of(Framing.UNTIL_CLOSE, connection.in(), connection.bodyLimits());
    }

    /** The connection's output, unframed: for a handler relaying a protocol switch's head and what follows. */
    public OutputStream rawOutput() {
        return connection.out();
    }

    boolean keepAlive() {
        return keepAlive;
    }

    boolean takenOver() {
        return takenOver;
    }

    /**
     * Whether what is left of an unread request body is small enough to read and drop after the answer, so the
     * connection can serve another request. A client still waiting for {@code 100 Continue} may or may not send
     * its body: only closing is unambiguous then.
     */
    private boolean drainable() {
        return framing.kind() == Framing.Kind.LENGTH && framing.length() <= DRAIN_LIMIT
                && !(expectContinue && !bodyStarted);
    }

    /** Whether the request body was read to its end (or there was none). */
    boolean bodyConsumed() {
        return !framing.hasBody() || body != null && Bodies.finished(body);
    }

    Framing framing() {
        return framing;
    }

    /** Ends a streamed body the handler left open; {@code false} when it could not be ended as framed. */
    boolean finishOutput() {
        if (output instanceof BodyOutput framed && !framed.closed()) {
            try {
                framed.close();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param contentLength the {@code Content-Length} to write; -1 none (chunked, or the body ends with the
     *     connection); -2 pass the handler's own (an answer to HEAD describes the body it would have had)
     */
    private void writeHead(int status, List<Header> headers, long contentLength, boolean addDate)
            throws IOException {
        if (output != null) {
            throw new IllegalStateException("the answer has already started");
        }
        this.status = status;
        if (keepAlive && !bodyConsumed() && !drainable()) {
            keepAlive = false;
        }
        connection.bodyPhase(false);
        Http1Output out = connection.out();
        out.writeLatin1(StatusLines.of(status));
        boolean hasDate = false;
        for (Header header : headers) {
            String name = header.name();
            if (writtenHere(name, contentLength != -2)) {
                continue;
            }
            hasDate |= addDate && name.length() == 4 && name.equalsIgnoreCase("Date");
            FieldCheck.requireSendable(name, header.value());
            out.writeField(name, header.value());
        }
        if (addDate && !hasDate) {
            out.writeField("Date", HttpDate.now());
        }
        if (contentLength >= 0) {
            out.writeField("Content-Length", Long.toString(contentLength));
        } else if (contentLength == -1 && !bodyless(status) && head.minorVersion() == 1) {
            out.writeField("Transfer-Encoding", "chunked");
        }
        if (!keepAlive) {
            out.writeLatin1("Connection: close\r\n");
        } else if (head.minorVersion() == 0) {
            out.writeLatin1("Connection: keep-alive\r\n");
        }
        out.writeCrlf();
    }

    /**
     * The framing and hop-by-hop fields this edge writes itself ({@code Content-Length} only when it sets the
     * length). By length first: this runs for every field of every answer.
     */
    private static boolean writtenHere(String name, boolean ownLength) {
        return switch (name.length()) {
            case 10 -> name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive");
            case 14 -> ownLength && name.equalsIgnoreCase("Content-Length");
            case 17 -> name.equalsIgnoreCase("Transfer-Encoding");
            default -> false;
        };
    }

    private boolean isHead() {
        return head.method().equals("HEAD");
    }

    private boolean bodyless(int status) {
        return isHead() || status < 200 || status == 204 || status == 304;
    }

    /** The {@code Content-Length} among {@code headers}, or -1 when there is none or it is not a plain number. */
    private static long contentLength(List<Header> headers) {
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase("Content-Length")) {
                try {
                    return Long.parseLong(header.value());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
