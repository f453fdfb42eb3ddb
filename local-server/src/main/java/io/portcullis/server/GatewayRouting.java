package io.portcullis.server;

import io.helidon.common.Weighted;
import io.helidon.http.Method;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portcullis.core.Gateway;
import io.portcullis.core.Rejection;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.infra.UpstreamClient;
import java.util.List;

/**
 * The server's routes: the gateway's own endpoints, then everything else to the route table. Each handler maps
 * the request to the core, calls it, and writes what it returns.
 *
 * <p>A feature with a low weight, so it is set up after Helidon's observability endpoints ({@code /observe/*},
 * weight 80): the catch-all that sends every other path to the route table must come last.
 */
final class GatewayRouting implements HttpFeature, Weighted {
    private static final System.Logger LOG = System.getLogger(GatewayRouting.class.getName());

    /** The gateway's own endpoints: every one is POST only; other methods get 405 rather than the route table. */
    private static final List<String> OWN_ENDPOINTS = List.of("/auth", "/auth/revoke", "/logout", "/admin/revoke");

    private final Gateway gateway;
    private final UpstreamClient upstream;

    GatewayRouting(Gateway gateway, UpstreamClient upstream) {
        this.gateway = gateway;
        this.upstream = upstream;
    }

    @Override
    public double weight() {
        return 10;
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
        ProxyHandler proxy = new ProxyHandler(gateway.forward(), upstream);
        for (String path : OWN_ENDPOINTS) {
            routing.route(method -> method != Method.POST, PathMatchers.exact(path), GatewayRouting::onlyPost);
        }
        routing.post("/auth", (req, res) -> Exchanges.write(res,
                        gateway.issueToken().issue(Exchanges.request(req)).toResponse()))
                .post("/auth/revoke", this::revokeOwn)
                .post("/logout", this::revokeOwn)
                .post("/admin/revoke", (req, res) -> Exchanges.write(res,
                        gateway.revokeTokens().revokeAsAdmin(Exchanges.request(req)).toResponse()))
                .any(proxy::handle)
                .error(StoreUnavailableException.class, (req, res, e) -> {
                    LOG.log(System.Logger.Level.WARNING, "store unavailable: " + e.getMessage());
                    Exchanges.write(res, Rejection.unavailable().toResponse());
                })
                .error(Exception.class, (req, res, e) -> {
                    LOG.log(System.Logger.Level.ERROR, "request failed", e);
                    if (!res.isSent()) {
                        Exchanges.write(res, Rejection.internalError().toResponse());
                    }
                });
    }

    private void revokeOwn(ServerRequest req, ServerResponse res) {
        Exchanges.write(res, gateway.revokeTokens().revokeOwn(Exchanges.request(req)).toResponse());
    }

    private static void onlyPost(ServerRequest req, ServerResponse res) {
        Exchanges.write(res, Rejection.methodNotAllowed("POST").toResponse());
    }
}
