package io.portcullis.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.portcullis.core.Forward;
import io.portcullis.core.ForwardDecision;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Gateway;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.GatewayResponse;
import io.portcullis.core.Header;
import io.portcullis.core.Rejection;
import io.portcullis.core.config.GatewayConfig;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * WebSocket pass-through: an {@code Upgrade: websocket} request goes through the same checks as any request for
 * its route (token, users and roles, rate limit, filters); refused, it gets the gateway's JSON answer; admitted,
 * its handshake goes to the route's backend with the same header edits, and after the backend's {@code 101} the
 * gateway copies bytes both ways until either side closes. Frames are not inspected: the backend speaks
 * WebSocket with the client, the gateway only decided who may.
 *
 * <p>The first backend that accepts a connection serves it (a handshake is a GET: safe to try the next).
 * Backends behind an upstream HTTP proxy are not reached for WebSockets (502).
 */
final class WebSocketTunnel implements Http1Upgrader {
    private static final System.Logger LOG = System.getLogger(WebSocketTunnel.class.getName());
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private final Supplier<Gateway> gateway;
    private final GatewayConfig.Upstream timeouts;
    private final ServerTelemetry telemetry;

    /** @param gateway the gateway to check each handshake with, read once per handshake (a reload replaces it) */
    WebSocketTunnel(Supplier<Gateway> gateway, GatewayConfig.Upstream timeouts, ServerTelemetry telemetry) {
        this.gateway = gateway;
        this.timeouts = timeouts;
        this.telemetry = telemetry;
    }

    @Override
    public String supportedProtocol() {
        return "websocket";
    }

    /** Empty (so Helidon serves the request as plain HTTP) unless it is a WebSocket handshake for a route. */
    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        GatewayRequest request = new GatewayRequest(prologue.method().text(), prologue.uriPath().rawPath(),
                prologue.query().rawValue(), new HelidonHeaders(headers),
                ((InetSocketAddress) ctx.remotePeer().address()).getAddress(), ctx.isSecure(),
                InputStream::nullInputStream);
        if (!request.method().equals("GET") || Gateway.isOwnPath(request.rawPath())
                || request.headers().first("Sec-WebSocket-Key").isEmpty()) {
            return null;
        }
        RequestRecord record = telemetry.begin(request);
        Forward forward = gateway.get().forward();
        ForwardDecision decision = forward.forward(request);
        telemetry.decided(record, decision, decision instanceof Rejection
                ? forward.routeFor(request.rawPath()).map(route -> route.prefix()) : Optional.empty());
        if (decision instanceof Rejection rejection) {
            return answer(ctx, rejection, record);
        }
        ForwardingPlan plan = (ForwardingPlan) decision;
        if (plan.route().upstream().proxy().isPresent()) {
            return answer(ctx, Rejection.badGateway(), record);
        }
        for (ForwardingPlan.Target target : plan.targets()) {
            Socket backend;
            try {
                backend = connect(URI.create(target.uri()), plan);
            } catch (IOException e) {
                plan.route().upstream().backends().failed(target.backend());
                LOG.log(System.Logger.Level.WARNING, "WebSocket backend " + target.backend().base() + ": " + e);
                continue;
            }
            plan.route().upstream().backends().succeeded(target.backend());
            return new Tunnel(ctx, backend, handshake(target, plan, request), record);
        }
        return answer(ctx, Rejection.badGateway(), record);
    }

    private Socket connect(URI target, ForwardingPlan plan) throws IOException {
        int port = target.getPort() > 0 ? target.getPort() : target.getScheme().equals("https") ? 443 : 80;
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(target.getHost(), port), (int) timeouts.connectTimeout().toMillis());
        if (!target.getScheme().equals("https")) {
            return socket;
        }
        try {
            SSLContext context = plan.route().upstream().tls().map(tls -> tls.context()).orElse(SSLContext.getDefault());
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, target.getHost(), port, true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return tls;
        } catch (java.security.NoSuchAlgorithmException e) {
            socket.close();
            throw new IOException(e);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The handshake for the backend: the route's header edits, with the upgrade headers put back. */
    private static byte[] handshake(ForwardingPlan.Target target, ForwardingPlan plan, GatewayRequest request) {
        URI uri = URI.create(target.uri());
        StringBuilder head = new StringBuilder("GET ").append(uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getRawAuthority()).append("\r\n")
                .append("Connection: Upgrade\r\nUpgrade: websocket\r\n");
        request.headers().forEach((name, value) -> {
            if (plan.forwardsRequestHeader(name) && !name.equalsIgnoreCase("content-length")) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        for (Header header : plan.addHeaders()) {
            head.append(header.name()).append(": ").append(header.value()).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes the gateway's refusal and lets the connection close. */
    private ServerConnection answer(ConnectionContext ctx, Rejection rejection, RequestRecord record) {
        record.refused(rejection);
        GatewayResponse response = rejection.toResponse();
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ')
                .append(io.helidon.http.Status.create(response.status()).reasonPhrase()).append("\r\n");
        for (Header header : response.headers()) {
            head.append(header.name()).append(": ").append(header.value()).append("\r\n");
        }
        head.append("Content-Length: ").append(response.body().length).append("\r\nConnection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        try {
            ctx.dataWriter().writeNow(BufferData.create(headBytes));
            ctx.dataWriter().writeNow(BufferData.create(response.body()));
        } finally {
            telemetry.end(record, response.status(), headBytes.length + response.body().length);
        }
        return new Closed();
    }

    /** A connection already answered: handling it ends it. */
    private static final class Closed implements ServerConnection {
        @Override
        public void handle(io.helidon.common.concurrency.limits.Limit limit) {
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
        }
    }

    /**
     * Sends the handshake, relays the backend's answer head, and (after a 101) copies bytes both ways; any other
     * answer is relayed until the backend closes.
     */
    private final class Tunnel implements ServerConnection {
        private final ConnectionContext ctx;
        private final Socket backend;
        private final byte[] handshake;
        private final RequestRecord record;

        Tunnel(ConnectionContext ctx, Socket backend, byte[] handshake, RequestRecord record) {
            this.ctx = ctx;
            this.backend = backend;
            this.handshake = handshake;
            this.record = record;
        }

        /** Logged when the tunnel closes, with the backend's status and the bytes sent to the client. */
        @Override
        public void handle(io.helidon.common.concurrency.limits.Limit limit) {
            int status = 502;
            long bytes = 0;
            try (backend) {
                backend.setSoTimeout((int) timeouts.readTimeout().toMillis());
                OutputStream toBackend = backend.getOutputStream();
                long sent = System.nanoTime();
                toBackend.write(handshake);
                toBackend.flush();
                InputStream fromBackend = new BufferedInputStream(backend.getInputStream());
                byte[] head = readHead(fromBackend);
                telemetry.upstreamAnswered(record, Duration.ofNanos(System.nanoTime() - sent));
                status = statusOf(head);
                ctx.dataWriter().writeNow(BufferData.create(head));
                bytes = head.length;
                boolean upgraded = status == 101 && new String(head, 0, 8, StandardCharsets.ISO_8859_1)
                        .equalsIgnoreCase("HTTP/1.1");
                backend.setSoTimeout(0);
                Thread up = upgraded ? Thread.ofVirtual().start(() -> clientToBackend(ctx.dataReader(), toBackend))
                        : null;
                byte[] buffer = new byte[8192];
                for (int n; (n = fromBackend.read(buffer)) >= 0; ) {
                    ctx.dataWriter().writeNow(BufferData.create(buffer, 0, n));
                    bytes += n;
                }
                if (up != null) {
                    up.interrupt();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "WebSocket tunnel ended: " + e);
            } finally {
                telemetry.end(record, status, bytes);
            }
        }

        /** The status code of an answer head ({@code HTTP/1.1 101 …}); 502 when it has none. */
        private static int statusOf(byte[] head) {
            String line = new String(head, 0, Math.min(head.length, 16), StandardCharsets.ISO_8859_1);
            java.util.regex.Matcher status = java.util.regex.Pattern.compile("^HTTP/1\\.[01] (\\d{3})")
                    .matcher(line);
            return status.find() ? Integer.parseInt(status.group(1)) : 502;
        }

        private void clientToBackend(DataReader reader, OutputStream toBackend) {
            try {
                while (true) {
                    BufferData data = reader.readBuffer();
                    data.writeTo(toBackend);
                    toBackend.flush();
                }
            } catch (RuntimeException | IOException e) {
                // The client closed: closing the backend socket ends the other direction.
                try {
                    backend.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }

        private static byte[] readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0 || head.size() >= MAX_HEAD_BYTES) {
                    throw new IOException("the backend's handshake answer is incomplete or too large");
                }
                head.write(b);
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            }
            return head.toByteArray();
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            try {
                backend.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
