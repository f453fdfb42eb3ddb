package io.portcullis.server;

import io.portcullis.core.Forward;
import io.portcullis.core.ForwardDecision;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Rejection;
import io.portcullis.core.route.Route;
import io.portcullis.infra.ClientBodyException;
import io.portcullis.infra.UpstreamClient;
import io.portcullis.infra.UpstreamException;
import io.portcullis.server.edge.EdgeExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** Every request for a route: the core decides, the upstream leg streams the bytes. */
final class ProxyHandler {
    private static final System.Logger LOG = System.getLogger(ProxyHandler.class.getName());

    private final UpstreamClient upstream;
    private final ServerTelemetry telemetry;

    ProxyHandler(UpstreamClient upstream, ServerTelemetry telemetry) {
        this.upstream = upstream;
        this.telemetry = telemetry;
    }

    /** @param forward the current gateway's (a reload replaces it between requests) */
    void handle(Forward forward, GatewayRequest request, EdgeExchange exchange, RequestRecord record)
            throws IOException {
        ForwardDecision decision = forward.forward(request);
        telemetry.decided(record, decision, decision instanceof Rejection
                ? forward.routeFor(request.rawPath()).map(Route::prefix) : Optional.empty());
        switch (decision) {
            case Rejection rejection -> Replies.write(exchange, rejection.toResponse());
            case ForwardingPlan plan -> send(forward, plan, request, exchange, record);
        }
    }

    private void send(Forward forward, ForwardingPlan plan, GatewayRequest request, EdgeExchange exchange,
            RequestRecord record) throws IOException {
        long sent = System.nanoTime();
        // A token revoked or expired while its request is still served (a long poll, a stream) ends it.
        forward.stillValid(plan).ifPresent(exchange::watch);
        try {
            upstream.exchange(plan, request.headers(), exchange.hasBody() ? request.body() : null,
                    (status, headers) -> {
                        telemetry.upstreamAnswered(record, Duration.ofNanos(System.nanoTime() - sent));
                        return exchange.stream(status, headers);
                    });
        } catch (UpstreamException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            Rejection rejection = e.rejection();
            record.refused(rejection);
            Replies.write(exchange, rejection.toResponse());
        } catch (ClientBodyException e) {
            throw e; // the client's body broke off or broke the rules: the edge answers or closes
        } catch (IOException e) {
            // The backend broke off mid-answer, or the client went away: once the answer has started, closing the
            // connection is all that can be said.
            LOG.log(System.Logger.Level.WARNING, "stream to " + plan.route().prefix() + " broke off: " + e.getMessage());
            if (!exchange.committed()) {
                record.refused(Rejection.badGateway());
                Replies.write(exchange, Rejection.badGateway().toResponse());
                return;
            }
            throw e;
        }
    }
}
