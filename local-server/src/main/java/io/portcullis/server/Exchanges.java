package io.portcullis.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.GatewayResponse;
import io.portcullis.core.Header;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Translation between Helidon's request/response and the core's neutral ones. */
final class Exchanges {
    private Exchanges() {
    }

    static GatewayRequest request(ServerRequest req) {
        InetAddress peer = ((InetSocketAddress) req.remotePeer().address()).getAddress();
        return new GatewayRequest(
                req.prologue().method().text(),
                req.prologue().uriPath().rawPath(),
                req.prologue().query().rawValue(),
                new HelidonHeaders(req.headers()),
                peer,
                req.isSecure(),
                () -> req.content().inputStream());
    }

    static void write(ServerResponse res, GatewayResponse response) {
        write(res, response, java.util.List.of());
    }

    /** Writes {@code response} with {@code extra} headers (a CORS grant) that it does not set itself. */
    static void write(ServerResponse res, GatewayResponse response, java.util.List<Header> extra) {
        res.status(response.status());
        for (Header header : response.headers()) {
            res.headers().add(HeaderNames.create(header.name()), header.value());
        }
        for (Header header : extra) {
            if (response.headers().stream().noneMatch(h -> h.name().equalsIgnoreCase(header.name()))) {
                res.headers().add(HeaderNames.create(header.name()), header.value());
            }
        }
        if (response.body().length == 0) {
            res.send();
        } else {
            res.send(response.body());
        }
    }
}
