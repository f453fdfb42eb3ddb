package io.portcullis.server;

import io.portcullis.core.Gateway;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Reply;
import io.portcullis.core.Rejection;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.infra.ClientBodyException;
import io.portcullis.infra.UpstreamClient;
import io.portcullis.infra.http1.MalformedHttpException;
import io.portcullis.infra.http1.RequestHead;
import io.portcullis.server.edge.EdgeExchange;
import io.portcullis.server.edge.EdgeHandler;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server's one handler: {@code /observe/*} aside, each request is mapped to the core, answered by the
 * gateway's own endpoints or else forwarded by the route table (a WebSocket handshake through the tunnel), and
 * whatever the core returns is written back.
 */
final class GatewayHandler implements EdgeHandler {
    private static final System.Logger LOG = System.getLogger(GatewayHandler.class.getName());

    private final Supplier<Gateway> gateway;
    private final ServerTelemetry telemetry;
    private final Observe observe;
    private final ProxyHandler proxy;
    private final WebSocketTunnel tunnel;

    /** @param gateway the gateway to serve each request with, read once per request (a reload replaces it) */
    GatewayHandler(Supplier<Gateway> gateway, UpstreamClient upstream, ServerTelemetry telemetry, Observe observe,
            int maxTunnelsPerUser) {
        this.gateway = gateway;
        this.telemetry = telemetry;
        this.observe = observe;
        this.proxy = new ProxyHandler(upstream, telemetry);
        this.tunnel = new WebSocketTunnel(upstream, telemetry, maxTunnelsPerUser);
    }

    @Override
    public void serve(EdgeExchange exchange) throws IOException {
        RequestHead head = exchange.head();
        if (Observe.isObservePath(head.rawPath())) {
            observe.serve(exchange);
            return;
        }
        GatewayRequest request = new GatewayRequest(head.method(), head.rawPath(), head.rawQuery(), head.headers(),
                exchange.peer(), exchange.secure(), exchange::body);
        // A login's body is copied as the core reads it, so a failed login's audit line can name its user.
        Optional<LoginBody> login = request.rawPath().equals("/auth")
                ? Optional.of(new LoginBody(request.body())) : Optional.empty();
        if (login.isPresent()) {
            request = new GatewayRequest(request.method(), request.rawPath(), request.rawQuery(), request.headers(),
                    request.peer(), request.secure(), login.get());
        }
        RequestRecord record = telemetry.begin(request);
        Gateway current = gateway.get();
        int unanswered = 500; // the status logged when the answer never started: the edge answers these
        try {
            Optional<Reply> own = current.ownEndpoint(request);
            if (own.isPresent()) {
                String mediaType = request.mediaType();
                telemetry.answered(record, request, own.get(), () -> login.flatMap(b -> b.username(mediaType)));
                Replies.write(exchange, own.get().toResponse(), current.corsHeaders(request));
            } else if (WebSocketTunnel.isHandshake(request) && !Gateway.isOwnPath(request.rawPath())) {
                tunnel.serve(current.forward(), request, exchange, record);
            } else {
                proxy.handle(current.forward(), request, exchange, record);
            }
        } catch (StoreUnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "store unavailable: " + e.getMessage());
            record.refused(Rejection.unavailable());
            if (exchange.committed()) {
                throw new IOException(e);
            }
            Replies.write(exchange, Rejection.unavailable().toResponse());
        } catch (ClientBodyException e) {
            unanswered = e.getCause() instanceof MalformedHttpException malformed ? malformed.kind().status() : 499;
            throw e;
        } catch (RuntimeException e) {
            record.refused(Rejection.internalError());
            throw e;
        } finally {
            // Counted and logged once the answer went out, or broke off (the tunnel counts itself at its end);
            // 499 is nginx's "the client closed the request".
            telemetry.end(record, exchange.committed() ? exchange.status() : unanswered, exchange.bytesWritten());
        }
    }
}
