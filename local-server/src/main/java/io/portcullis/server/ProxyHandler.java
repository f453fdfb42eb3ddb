package io.portcullis.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portcullis.core.Forward;
import io.portcullis.core.ForwardDecision;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Header;
import io.portcullis.core.Rejection;
import io.portcullis.core.route.Route;
import io.portcullis.infra.UpstreamClient;
import io.portcullis.infra.UpstreamException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** Every request for a route: the core decides, the upstream client streams the bytes. */
final class ProxyHandler {
    private static final System.Logger LOG = System.getLogger(ProxyHandler.class.getName());

    private final UpstreamClient upstream;
    private final ServerTelemetry telemetry;

    ProxyHandler(UpstreamClient upstream, ServerTelemetry telemetry) {
        this.upstream = upstream;
        this.telemetry = telemetry;
    }

    /** @param forward the current gateway's (a reload replaces it between requests) */
    void handle(Forward forward, GatewayRequest request, ServerRequest req, ServerResponse res, RequestRecord record)
            throws IOException {
        ForwardDecision decision = forward.forward(request);
        telemetry.decided(record, decision, decision instanceof Rejection
                ? forward.routeFor(request.rawPath()).map(Route::prefix) : Optional.empty());
        switch (decision) {
            case Rejection rejection -> Exchanges.write(res, rejection.toResponse());
            case ForwardingPlan plan -> send(plan, request, req, res, record);
        }
    }

    private void send(ForwardingPlan plan, GatewayRequest request, ServerRequest req, ServerResponse res,
            RequestRecord record) throws IOException {
        long sent = System.nanoTime();
        try {
            upstream.exchange(plan, request.headers(), req.content().hasEntity() ? request.body() : null,
                    (status, headers) -> {
                        telemetry.upstreamAnswered(record, Duration.ofNanos(System.nanoTime() - sent));
                        res.status(status);
                        for (Header header : headers) {
                            res.headers().add(HeaderNames.create(header.name()), header.value());
                        }
                        return res.outputStream();
                    });
        } catch (UpstreamException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            Rejection rejection = e.kind() == UpstreamException.Kind.TIMEOUT ? Rejection.gatewayTimeout()
                    : Rejection.badGateway();
            record.refused(rejection);
            Exchanges.write(res, rejection.toResponse());
        } catch (IOException e) {
            // The client went away, or the backend broke off mid-answer: nothing more can be said to the client
            // once the answer has started; Helidon closes the connection when this propagates.
            LOG.log(System.Logger.Level.WARNING, "stream to " + plan.route().prefix() + " broke off: " + e.getMessage());
            if (!res.isSent()) {
                record.refused(Rejection.badGateway());
                Exchanges.write(res, Rejection.badGateway().toResponse());
                return;
            }
            throw e;
        }
    }
}
