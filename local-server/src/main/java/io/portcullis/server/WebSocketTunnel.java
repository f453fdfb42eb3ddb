package io.portcullis.server;

import io.portcullis.core.Forward;
import io.portcullis.core.ForwardDecision;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Header;
import io.portcullis.core.Rejection;
import io.portcullis.core.route.Route;
import io.portcullis.infra.ResponseFields;
import io.portcullis.infra.UpstreamClient;
import io.portcullis.infra.http1.Bodies;
import io.portcullis.infra.http1.FieldCheck;
import io.portcullis.infra.http1.Framing;
import io.portcullis.infra.http1.HeadParser;
import io.portcullis.infra.http1.HeaderFields;
import io.portcullis.infra.http1.Http1Input;
import io.portcullis.infra.http1.Http1Output;
import io.portcullis.infra.http1.ResponseHead;
import io.portcullis.server.edge.EdgeExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
final class WebSocketTunnel {
    private static final System.Logger LOG = System.getLogger(WebSocketTunnel.class.getName());
    private static final HeadParser.Limits ANSWER_LIMITS = new HeadParser.Limits(8192, 64 * 1024, 256);
    private static final int BUFFER_BYTES = 8192;

    private final UpstreamClient upstream;
    private final ServerTelemetry telemetry;
    private final int maxPerUser;
    /** Tunnels open now, by user (or client address, on open routes). */
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    WebSocketTunnel(UpstreamClient upstream, ServerTelemetry telemetry, int maxPerUser) {
        this.upstream = upstream;
        this.telemetry = telemetry;
        this.maxPerUser = maxPerUser;
    }

    /** Whether a request asks to switch to WebSocket: a GET whose {@code Upgrade} names it, with a key. */
    static boolean isHandshake(GatewayRequest request) {
        return request.method().equals("GET") && request.upgradesToWebSocket()
                && request.headers().first("Sec-WebSocket-Key").isPresent();
    }

    void serve(Forward forward, GatewayRequest request, EdgeExchange exchange, RequestRecord record)
            throws IOException {
        ForwardDecision decision = forward.forward(request);
        telemetry.decided(record, decision, decision instanceof Rejection
                ? forward.routeFor(request.rawPath()).map(Route::prefix) : Optional.empty());
        if (decision instanceof Rejection rejection) {
            exchange.closeAfter();
            Replies.write(exchange, rejection.toResponse());
            return;
        }
        ForwardingPlan plan = (ForwardingPlan) decision;
        String holder = plan.identity().map(who -> "user:" + who.subject())
                .orElseGet(() -> "ip:" + record.client.getHostAddress());
        boolean[] admitted = new boolean[1];
        open.compute(holder, (key, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < maxPerUser;
            return admitted[0] ? now + 1 : count;
        });
        if (!admitted[0]) {
            Rejection tooMany = new Rejection(429, "too_many_tunnels", "at most " + maxPerUser
                    + " WebSocket connections may be open at once", "too_many_tunnels",
                    java.util.List.of(new Header("Retry-After", "1")));
            record.refused(tooMany);
            exchange.closeAfter();
            Replies.write(exchange, tooMany.toResponse());
            return;
        }
        try {
            open(forward, plan, request, exchange, record);
        } finally {
            open.computeIfPresent(holder, (key, count) -> count == 1 ? null : count - 1);
        }
    }

    private void open(Forward forward, ForwardingPlan plan, GatewayRequest request, EdgeExchange exchange,
            RequestRecord record) throws IOException {
        for (ForwardingPlan.Target target : plan.targets()) {
            Socket backend;
            try {
                backend = upstream.connect(target, plan.route().upstream());
            } catch (IOException e) {
                plan.route().upstream().backends().failed(target.backend());
                LOG.log(System.Logger.Level.WARNING, "WebSocket backend " + target.backend().base() + ": " + e);
                continue;
            }
            plan.route().upstream().backends().succeeded(target.backend());
            try (backend) {
                relay(backend, forward, plan, target, request, exchange, record);
            }
            return;
        }
        record.refused(Rejection.badGateway());
        exchange.closeAfter();
        Replies.write(exchange, Rejection.badGateway().toResponse());
    }

    /**
     * Sends the handshake and relays the backend's answer: after a {@code 101}, bytes both ways until either side
     * closes; any other answer as a normal answer.
     */
    private void relay(Socket backend, Forward forward, ForwardingPlan plan, ForwardingPlan.Target target,
            GatewayRequest request, EdgeExchange exchange, RequestRecord record) throws IOException {
        long sent = System.nanoTime();
        Http1Output toBackend = new Http1Output(backend.getOutputStream(), BUFFER_BYTES);
        writeHandshake(toBackend, plan, target, request);
        Http1Input fromBackend = new Http1Input(backend.getInputStream(), BUFFER_BYTES, ANSWER_LIMITS.maxHeadBytes());
        ResponseHead answer;
        try {
            answer = HeadParser.response(fromBackend, ANSWER_LIMITS);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "WebSocket backend " + target.backend().base() + " answered "
                    + "nothing usable: " + e.getMessage());
            record.refused(Rejection.badGateway());
            exchange.closeAfter();
            Replies.write(exchange, Rejection.badGateway().toResponse());
            return;
        }
        telemetry.upstreamAnswered(record, Duration.ofNanos(System.nanoTime() - sent));
        if (answer.status() != 101) {
            Framing framing = Framing.ofResponse(answer, "GET");
            exchange.closeAfter();
            OutputStream out = exchange.stream(answer.status(), ResponseFields.of(plan, answer.headers(), framing));
            Bodies.copy(Bodies.of(framing, fromBackend, ANSWER_LIMITS), out, BUFFER_BYTES, false);
            out.close();
            return;
        }
        OutputStream toClient = exchange.rawOutput();
        writeSwitch(toClient, answer.headers());
        InputStream fromClient = exchange.takeOver();
        forward.stillValid(plan).ifPresent(exchange::watch);
        backend.setSoTimeout(0); // a quiet WebSocket is not a slow backend
        Thread up = Thread.ofVirtual().start(() -> {
            try {
                Bodies.copy(fromClient, backend.getOutputStream(), BUFFER_BYTES, true);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.TRACE, () -> "WebSocket client side ended: " + e);
            } finally {
                // The client closed: closing the backend ends the other direction.
                close(backend);
            }
        });
        long bytes = 0;
        try {
            InputStream untilClose = Bodies.of(Framing.UNTIL_CLOSE, fromBackend, ANSWER_LIMITS);
            bytes = Bodies.copy(untilClose, toClient, BUFFER_BYTES, true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.TRACE, () -> "WebSocket backend side ended: " + e);
        } finally {
            close(backend);
            up.interrupt();
            telemetry.end(record, 101, exchange.bytesWritten());
        }
        LOG.log(System.Logger.Level.TRACE, "WebSocket tunnel closed after " + bytes + " bytes to the client");
    }

    /** The handshake for the backend: the route's header edits, with the upgrade fields put back. */
    private static void writeHandshake(Http1Output out, ForwardingPlan plan, ForwardingPlan.Target target,
            GatewayRequest request) throws IOException {
        out.writeLatin1("GET " + target.requestTarget() + " HTTP/1.1\r\n");
        out.writeField("Host", target.backend().base().getRawAuthority());
        out.writeField("Connection", "Upgrade");
        out.writeField("Upgrade", "websocket");
        IOException[] failed = new IOException[1];
        request.headers().forEach((name, value) -> {
            if (failed[0] == null && plan.forwardsRequestHeader(name) && !name.equalsIgnoreCase("Content-Length")
                    && plan.addHeaders().stream().noneMatch(h -> h.name().equalsIgnoreCase(name))) {
                try {
                    FieldCheck.requireSendable(name, value);
                    out.writeField(name, value);
                } catch (IOException e) {
                    failed[0] = e;
                }
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        for (Header header : plan.addHeaders()) {
            FieldCheck.requireSendable(header.name(), header.value());
            out.writeField(header.name(), header.value());
        }
        out.writeCrlf();
        out.flush();
    }

    /** The backend's 101 as it sent it: its fields, {@code Upgrade} and {@code Connection} included, are the switch. */
    private static void writeSwitch(OutputStream toClient, HeaderFields fields) throws IOException {
        Http1Output out = new Http1Output(toClient, 1024);
        out.writeLatin1("HTTP/1.1 101 Switching Protocols\r\n");
        for (int i = 0; i < fields.size(); i++) {
            out.writeField(fields.name(i), fields.value(i));
        }
        out.writeCrlf();
        out.flush();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing was the point
        }
    }
}
