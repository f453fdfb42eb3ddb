package io.portcullis.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.metrics.api.MeterRegistryFormatter;
import io.helidon.metrics.api.MetricsConfig;
import io.helidon.metrics.api.SystemTagsManager;
import io.helidon.metrics.spi.MeterRegistryFormatterProvider;
import io.portcullis.core.Header;
import io.portcullis.core.Json;
import io.portcullis.core.Rejection;
import io.portcullis.server.edge.EdgeExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;

/**
 * {@code /observe/health} (and {@code /live}, {@code /ready}) and {@code /observe/metrics}: the health checks'
 * JSON (UP 200, DOWN 503) and the meters as Prometheus text. Its requests are neither counted nor logged.
 */
final class Observe {
    private static final List<Header> JSON = List.of(new Header("Content-Type", "application/json"),
            new Header("Cache-Control", "no-store"));
    private static final List<Header> PROMETHEUS = List.of(
            new Header("Content-Type", "text/plain; version=0.0.4; charset=utf-8"),
            new Header("Cache-Control", "no-store"));

    private final List<HealthCheck> readiness;
    private final MeterRegistryFormatter metrics;

    Observe(List<HealthCheck> readiness, GatewayMetrics gatewayMetrics) {
        this.readiness = List.copyOf(readiness);
        MetricsConfig config = MetricsConfig.create();
        this.metrics = ServiceLoader.load(MeterRegistryFormatterProvider.class).stream()
                .map(provider -> provider.get().formatter(MediaTypes.TEXT_PLAIN, config, gatewayMetrics.registry(),
                        SystemTagsManager.instance().scopeTagName(), List.of(), List.of()))
                .flatMap(java.util.Optional::stream)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Prometheus formatter on the class path"));
    }

    /** Whether {@code path} is one of these endpoints. */
    static boolean isObservePath(String path) {
        return path.equals("/observe") || path.startsWith("/observe/");
    }

    void serve(EdgeExchange exchange) throws IOException {
        String method = exchange.head().method();
        String path = exchange.head().rawPath();
        List<HealthCheck> checks = switch (path) {
            case "/observe/health", "/observe/health/ready" -> readiness;
            case "/observe/health/live" -> List.of();
            default -> null;
        };
        if (checks == null && !path.equals("/observe/metrics")) {
            Replies.write(exchange, Rejection.notFound().toResponse());
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            Replies.write(exchange, Rejection.methodNotAllowed("GET, HEAD").toResponse());
            return;
        }
        if (checks == null) {
            String text = metrics.format().map(Object::toString).orElse("");
            exchange.respond(200, PROMETHEUS, text.getBytes(StandardCharsets.UTF_8));
            return;
        }
        boolean up = true;
        ObjectNode body = Json.object();
        body.put("status", "UP");
        ArrayNode results = body.putArray("checks");
        for (HealthCheck check : checks) {
            HealthCheck.Result result = check.call();
            up &= result.up();
            ObjectNode entry = results.addObject().put("name", check.name())
                    .put("status", result.up() ? "UP" : "DOWN");
            ObjectNode data = entry.putObject("data");
            result.data().forEach(data::put);
        }
        body.put("status", up ? "UP" : "DOWN");
        exchange.respond(up ? 200 : 503, JSON, Json.bytes(body));
    }
}
