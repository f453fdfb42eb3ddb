package io.portcullis.server.edge;

import java.io.IOException;

/** Answers one request. Called on the connection's own thread; requests of one connection come one at a time. */
@FunctionalInterface
public interface EdgeHandler {
    /**
     * Reads what it needs of the request and answers it through {@code exchange}. An answer not started when this
     * returns is a bug: the server answers 500. An exception thrown before the answer started is answered by the
     * server (400 for a malformed body, else 500); after, the connection is closed.
     */
    void serve(EdgeExchange exchange) throws IOException;
}
