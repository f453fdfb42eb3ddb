package io.portcullis.server;

import io.helidon.common.Weighted;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.portcullis.core.Gateway;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Reply;
import io.portcullis.core.Rejection;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.infra.UpstreamClient;
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

    /** @param gateway the gateway to serve each request with, read once per request (a reload replaces it) */
    GatewayRouting(Supplier<Gateway> gateway, UpstreamClient upstream) {
        this.gateway = gateway;
        this.upstream = upstream;
    }

    @Override
    public double weight() {
        return 10;
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
        ProxyHandler proxy = new ProxyHandler(upstream);
        routing.any((req, res) -> {
            Gateway current = gateway.get();
            GatewayRequest request = Exchanges.request(req);
            Optional<Reply> own = current.ownEndpoint(request);
            if (own.isPresent()) {
                Exchanges.write(res, own.get().toResponse(), current.corsHeaders(request));
            } else {
                proxy.handle(current.forward(), request, req, res);
            }
        })
                .error(StoreUnavailableException.class, (req, res, e) -> {
                    LOG.log(System.Logger.Level.WARNING, "store unavailable: " + e.getMessage());
                    Exchanges.write(res, Rejection.unavailable().toResponse());
                })
                .error(java.io.IOException.class, (req, res, e) -> {
                    // Already logged where it happened; the answer had started, so the connection just closes.
                    if (!res.isSent()) {
                        Exchanges.write(res, Rejection.badGateway().toResponse());
                    }
                })
                .error(Exception.class, (req, res, e) -> {
                    LOG.log(System.Logger.Level.ERROR, "request failed", e);
                    if (!res.isSent()) {
                        Exchanges.write(res, Rejection.internalError().toResponse());
                    }
                });
    }
}
