package io.portcullis.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.portcullis.core.Json;

/**
 * A tiny backend for the sample configuration: it answers every request with what it received (method, path,
 * query and headers) as JSON, so a newcomer sees the identity headers the gateway adds and the ones it strips.
 * Started only when the config has a {@code demo-backend} section; never for production.
 */
final class DemoBackend {
    private DemoBackend() {
    }

    static WebServer start(String host, int port) {
        return WebServer.builder()
                .host(host)
                .port(port)
                .useNio(false)
                .routing(routing -> routing.any((req, res) -> {
                    ObjectNode headers = Json.object();
                    for (Header header : req.headers()) {
                        headers.put(header.name().toLowerCase(java.util.Locale.ROOT), String.join(", ", header.allValues()));
                    }
                    ObjectNode echo = Json.object()
                            .put("backend", "portcullis demo backend")
                            .put("method", req.prologue().method().text())
                            .put("path", req.prologue().uriPath().rawPath())
                            .put("query", req.prologue().query().rawValue());
                    echo.set("headers", headers);
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(Json.bytes(echo));
                }))
                .build()
                .start();
    }
}
