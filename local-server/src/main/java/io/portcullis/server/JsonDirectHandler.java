package io.portcullis.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.portcullis.core.Json;
import java.util.Locale;

/**
 * Requests Helidon refuses before routing (malformed request line or headers, oversized headers, unsupported
 * HTTP version) get the gateway's JSON error shape too, never a framework page or a stack trace.
 */
final class JsonDirectHandler implements DirectHandler {
    static DirectHandlers handlers() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, new JsonDirectHandler());
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
            ServerResponseHeaders headers, String message) {
        String code = status.reasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '_');
        String text = status.code() >= 500 ? "the gateway failed to handle this request" : "the request was refused: "
                + status.reasonPhrase();
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .entity(Json.error(code, text))
                .keepAlive(eventType.keepAlive())
                .build();
    }
}
