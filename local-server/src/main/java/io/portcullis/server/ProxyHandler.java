package io.portcullis.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portcullis.core.Forward;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Header;
import io.portcullis.core.Rejection;
import io.portcullis.infra.UpstreamClient;
import io.portcullis.infra.UpstreamException;
import java.io.IOException;

/** Every request for a route: the core decides, the upstream client streams the bytes. */
final class ProxyHandler {
    private static final System.Logger LOG = System.getLogger(ProxyHandler.class.getName());

    private final UpstreamClient upstream;

    ProxyHandler(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    /** @param forward the route table and checks of the gateway this request is served by */
    void handle(Forward forward, GatewayRequest request, ServerRequest req, ServerResponse res) throws IOException {
        switch (forward.forward(request)) {
            case Rejection rejection -> Exchanges.write(res, rejection.toResponse());
            case ForwardingPlan plan -> send(plan, request, req, res);
        }
    }

    private void send(ForwardingPlan plan, GatewayRequest request, ServerRequest req, ServerResponse res)
            throws IOException {
        try {
            upstream.exchange(plan, request.headers(), req.content().hasEntity() ? request.body() : null,
                    (status, headers) -> {
                        res.status(status);
                        for (Header header : headers) {
                            res.headers().add(HeaderNames.create(header.name()), header.value());
                        }
                        return res.outputStream();
                    });
        } catch (UpstreamException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            Exchanges.write(res, e.kind() == UpstreamException.Kind.TIMEOUT
                    ? Rejection.gatewayTimeout().toResponse()
                    : Rejection.badGateway().toResponse());
        } catch (IOException e) {
            // The client went away, or the backend broke off mid-answer: nothing more can be said to the client
            // once the answer has started; Helidon closes the connection when this propagates.
            LOG.log(System.Logger.Level.WARNING, "stream to " + plan.route().prefix() + " broke off: " + e.getMessage());
            if (!res.isSent()) {
                Exchanges.write(res, Rejection.badGateway().toResponse());
                return;
            }
            throw e;
        }
    }
}
