package io.portcullis.bench.legs;

import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.route.Backend;
import io.portcullis.core.route.Route;
import io.portcullis.infra.UpstreamClient;
import io.portcullis.infra.UpstreamException;
import io.portcullis.server.edge.EdgeExchange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The gateway's own upstream leg (infra UpstreamClient) with its shipped settings. */
final class PortcullisLeg implements Leg {
    private static final Set<String> DROPPED = LegServer.HOP_BY_HOP.stream()
            .map(name -> name.toLowerCase(java.util.Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

    private final UpstreamClient client;
    private final Route route;
    private final Backend backend;

    PortcullisLeg(InetSocketAddress address) {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        GatewayConfig config = ConfigLoader.fromYaml("""
                tokens: { keys: [ { id: bench, secret: "%s" } ] }
                store: { type: memory }
                routes: [ { prefix: /, target: "http://%s:%d", secure: false } ]
                """.formatted(Base64.getEncoder().encodeToString(secret), address.getHostString(),
                address.getPort()), Map.of());
        this.client = new UpstreamClient(config.upstream());
        this.route = config.routes().get(0);
        this.backend = route.upstream().backends().all().get(0);
    }

    @Override
    public void forward(EdgeExchange exchange) throws IOException {
        ForwardingPlan plan = new ForwardingPlan(route, exchange.head().method(),
                List.of(new ForwardingPlan.Target(backend, exchange.head().target())), false, DROPPED, List.of(),
                Optional.empty(), List.of(), Optional.empty(), Optional.empty());
        try {
            client.exchange(plan, exchange.head().headers(), exchange.hasBody() ? exchange::body : null,
                    exchange::stream);
        } catch (UpstreamException e) {
            exchange.respond(e.rejection().status(), List.of(), new byte[0]);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
