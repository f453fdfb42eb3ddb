package io.portcullis.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.Header;
import io.portcullis.core.Json;
import io.portcullis.core.config.ServerSettings;
import io.portcullis.infra.http1.HeaderFields;
import io.portcullis.server.edge.EdgeServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * A tiny backend for the sample configuration: it answers every request with what it received (method, path,
 * query and headers) as JSON, so a newcomer sees the identity headers the gateway adds and the ones it strips.
 * Started only when the config has a {@code demo-backend} section; never for production.
 */
final class DemoBackend {
    private static final List<Header> JSON = List.of(new Header("Content-Type", "application/json"));

    private DemoBackend() {
    }

    static EdgeServer start(String host, int port) {
        ServerSettings settings = new ServerSettings(host, port, 128, OptionalInt.of(1024), Duration.ofSeconds(10),
                Duration.ofSeconds(60), 32 * 1024, Duration.ofSeconds(1), 1, false);
        try {
            return EdgeServer.start(settings, null, exchange -> {
                exchange.body().readAllBytes();
                ObjectNode headers = Json.object();
                HeaderFields fields = exchange.head().headers();
                for (int i = 0; i < fields.size(); i++) {
                    String name = fields.name(i).toLowerCase(Locale.ROOT);
                    String before = headers.has(name) ? headers.get(name).asText() + ", " : "";
                    headers.put(name, before + fields.value(i));
                }
                ObjectNode echo = Json.object()
                        .put("backend", "portcullis demo backend")
                        .put("method", exchange.head().method())
                        .put("path", exchange.head().rawPath())
                        .put("query", exchange.head().rawQuery());
                echo.set("headers", headers);
                exchange.respond(200, JSON, Json.bytes(echo));
            }, EdgeServer.Events.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException("the demo backend cannot listen on " + host + ":" + port, e);
        }
    }
}
