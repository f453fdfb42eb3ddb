package io.portcullis.server;

import io.portcullis.core.GatewayResponse;
import io.portcullis.core.Header;
import io.portcullis.server.edge.EdgeExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Writes the gateway's own answers (its endpoints and its refusals) on an exchange. */
final class Replies {
    private Replies() {
    }

    static void write(EdgeExchange exchange, GatewayResponse response) throws IOException {
        write(exchange, response, List.of());
    }

    /** Writes {@code response} with {@code extra} headers (a CORS grant) that it does not set itself. */
    static void write(EdgeExchange exchange, GatewayResponse response, List<Header> extra) throws IOException {
        List<Header> headers = response.headers();
        if (!extra.isEmpty()) {
            headers = new ArrayList<>(headers);
            for (Header header : extra) {
                if (response.headers().stream().noneMatch(h -> h.name().equalsIgnoreCase(header.name()))) {
                    headers.add(header);
                }
            }
        }
        exchange.respond(response.status(), headers, response.body());
    }
}
