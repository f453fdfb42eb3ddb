package io.portcullis.bench.legs;

import io.portcullis.server.edge.EdgeExchange;
import java.io.IOException;

/**
 * One way of carrying a request to the backend and its answer back: what {@link LegServer} compares, each behind
 * the same server, against the same backend, with the same header handling (hop-by-hop fields dropped).
 */
interface Leg extends AutoCloseable {
    void forward(EdgeExchange exchange) throws IOException;

    @Override
    default void close() throws Exception {
    }
}
