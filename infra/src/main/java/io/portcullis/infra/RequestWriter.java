package io.portcullis.infra;

import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Header;
import io.portcullis.core.RequestHeaders;
import io.portcullis.infra.http1.BodyOutput;
import io.portcullis.infra.http1.FieldCheck;
import io.portcullis.infra.http1.Http1Output;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes the planned request to a backend connection: request line, {@code Host}, the fields the plan keeps and
 * adds, the leg's own framing, then the body.
 */
final class RequestWriter {
    private static final int COPY_BYTES = 16 * 1024;

    private RequestWriter() {
    }

    /**
     * @return whether the whole body went out; {@code false} when the backend answered before it had all of it
     *     (the rest is not sent, and the connection is not reused)
     * @throws ClientBodyException when reading the client's body fails (the client went away)
     * @throws IllegalArgumentException when a field cannot be sent as it is (a control character in a value)
     */
    static boolean write(UpstreamConnection connection, ForwardingPlan plan, ForwardingPlan.Target target,
            Dialer.Key key, RequestHeaders clientHeaders, UpstreamClient.RequestBody body, long writeTimeoutNanos)
            throws IOException {
        Http1Output out = connection.out();
        out.writeLatin1(plan.method());
        out.write(' ');
        if (key.absoluteForm()) {
            // To a proxy, an http request names its target whole (RFC 9112 §3.2.2).
            out.writeLatin1("http://");
            out.writeLatin1(key.authority());
        }
        out.writeLatin1(target.requestTarget());
        out.writeLatin1(" HTTP/1.1\r\n");
        out.writeField("Host", key.authority());
        List<Header> added = plan.addHeaders();
        try {
            clientHeaders.forEach((name, value) -> {
                if (plan.forwardsRequestHeader(name) && !isFraming(name) && !isAdded(name, added)) {
                    field(out, name, value);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Header header : added) {
            field(out, header.name(), header.value());
        }
        if (key.absoluteForm()) {
            Dialer.proxyAuthorization(key.proxy().orElseThrow())
                    .ifPresent(credentials -> field(out, "Proxy-Authorization", credentials));
        }
        if (body.present()) {
            if (body.length() >= 0) {
                out.writeField("Content-Length", Long.toString(body.length()));
            } else {
                out.writeField("Transfer-Encoding", "chunked");
            }
        } else if (body.length() == 0) {
            out.writeField("Content-Length", "0");
        }
        out.writeCrlf();
        if (!body.present()) {
            out.flush();
            return true;
        }
        return writeBody(connection, body, writeTimeoutNanos);
    }

    /**
     * Streams the body, looking for an early answer after every write. A write that fails may have failed because
     * the backend answered and closed: if its answer is there, it is read like any other.
     */
    private static boolean writeBody(UpstreamConnection connection, UpstreamClient.RequestBody body,
            long writeTimeoutNanos) throws IOException {
        Http1Output out = connection.out();
        BodyOutput framed = body.length() >= 0 ? BodyOutput.length(out, body.length()) : BodyOutput.chunked(out);
        byte[] buffer = new byte[COPY_BYTES];
        try (InputStream in = body.stream().get()) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw new ClientBodyException(e);
                }
                if (n < 0) {
                    break;
                }
                connection.writing(writeTimeoutNanos);
                try {
                    framed.write(buffer, 0, n);
                } catch (IOException e) {
                    if (!connection.writeTimedOut() && connection.answerWaiting()) {
                        return false;
                    }
                    throw connection.writeTimedOut()
                            ? new java.net.SocketTimeoutException("the backend stopped reading the request body") : e;
                } finally {
                    connection.written();
                }
                if (connection.answerWaiting()) {
                    out.flush();
                    return false;
                }
            }
        }
        framed.close();
        return true;
    }

    private static void field(Http1Output out, String name, String value) {
        FieldCheck.requireSendable(name, value);
        try {
            out.writeField(name, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The client's framing never goes upstream: the leg frames the body itself. */
    private static boolean isFraming(String name) {
        return name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding");
    }

    /** A field the plan sets replaces the client's of the same name. */
    private static boolean isAdded(String name, List<Header> added) {
        for (Header header : added) {
            if (header.name().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
