package io.portcullis.server;

import io.helidon.common.Weighted;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portcullis.core.Gateway;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Reply;
import io.portcullis.core.Rejection;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.infra.UpstreamClient;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server's one route: each request is mapped to the core, answered by the gateway's own endpoints or else
 * forwarded by the route table, and whatever the core returns is written back.
 *
 * <p>A feature with a low weight, so it is set up after Helidon's observability endpoints ({@code /observe/*},
 * weight 80): the catch-all that sends every other path to the route table must come last.
 */
final class GatewayRouting implements HttpFeature, Weighted {
    private static final System.Logger LOG = System.getLogger(GatewayRouting.class.getName());

    private final Supplier<Gateway> gateway;
    private final UpstreamClient upstream;
    private final ServerTelemetry telemetry;

    /** @param gateway the gateway to serve each request with, read once per request (a reload replaces it) */
    GatewayRouting(Supplier<Gateway> gateway, UpstreamClient upstream, ServerTelemetry telemetry) {
        this.gateway = gateway;
        this.upstream = upstream;
        this.telemetry = telemetry;
    }

    @Override
    public double weight() {
        return 10;
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
        ProxyHandler proxy = new ProxyHandler(upstream, telemetry);
        routing.any((req, res) -> serve(req, res, proxy))
                .error(StoreUnavailableException.class, (req, res, e) -> {
                    LOG.log(System.Logger.Level.WARNING, "store unavailable: " + e.getMessage());
                    req.context().get(RequestRecord.class).ifPresent(r -> r.refused(Rejection.unavailable()));
                    Exchanges.write(res, Rejection.unavailable().toResponse());
                })
                .error(IOException.class, (req, res, e) -> {
                    // Already logged where it happened; the answer had started, so the connection just closes.
                    if (!res.isSent()) {
                        Exchanges.write(res, Rejection.badGateway().toResponse());
                    }
                })
                .error(Exception.class, (req, res, e) -> {
                    LOG.log(System.Logger.Level.ERROR, "request failed", e);
                    req.context().get(RequestRecord.class).ifPresent(r -> r.refused(Rejection.internalError()));
                    if (!res.isSent()) {
                        Exchanges.write(res, Rejection.internalError().toResponse());
                    }
                });
    }

    private void serve(ServerRequest req, ServerResponse res, ProxyHandler proxy) throws IOException {
        GatewayRequest request = Exchanges.request(req);
        // A login's body is copied as the core reads it, so a failed login's audit line can name its user.
        Optional<LoginBody> login = request.rawPath().equals("/auth")
                ? Optional.of(new LoginBody(request.body())) : Optional.empty();
        if (login.isPresent()) {
            request = new GatewayRequest(request.method(), request.rawPath(), request.rawQuery(), request.headers(),
                    request.peer(), request.secure(), login.get());
        }
        RequestRecord record = telemetry.begin(request);
        req.context().register(record);
        // Counted and logged when the answer is sent, including one an error handler below writes; an answer whose
        // stream broke off is never "sent", so the finally block catches that one.
        res.whenSent(() -> telemetry.end(record, res.status().code(), res.bytesWritten()));
        Gateway current = gateway.get();
        try {
            Optional<Reply> own = current.ownEndpoint(request);
            if (own.isPresent()) {
                String mediaType = request.mediaType();
                telemetry.answered(record, request, own.get(), () -> login.flatMap(b -> b.username(mediaType)));
                Exchanges.write(res, own.get().toResponse(), current.corsHeaders(request));
            } else {
                proxy.handle(current.forward(), request, req, res, record);
            }
        } finally {
            if (res.isSent()) {
                telemetry.end(record, res.status().code(), res.bytesWritten());
            }
        }
    }
}
