package io.portcullis.bench.legs;

import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.portcullis.core.Header;
import io.portcullis.server.edge.EdgeExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Helidon's Http1Client, on connections this class pools itself (LIFO, unbounded) through Helidon's public
 * connection API, bypassing its own cache (which keeps at most connectionCacheSize idle connections and polls
 * each with a virtual thread).
 */
final class HelidonLeg implements Leg {
    private final WebClient webClient;
    private final Http1Client client;
    private final ConnectionKey key;
    private final String base;
    private final ConcurrentLinkedDeque<ClientConnection> idle = new ConcurrentLinkedDeque<>();

    HelidonLeg(InetSocketAddress address) {
        this.webClient = WebClient.builder().followRedirects(false).build();
        this.client = Http1Client.builder().followRedirects(false).sendExpectContinue(false).relativeUris(true)
                .build();
        this.key = ConnectionKey.create("http", address.getHostString(), address.getPort(),
                Tls.builder().enabled(false).build(), webClient.prototype().dnsResolver(), DnsAddressLookup.defaultLookup(),
                Proxy.noProxy());
        this.base = "http://" + address.getHostString() + ":" + address.getPort();
    }

    private ClientConnection connection() {
        ClientConnection pooled = idle.pollFirst();
        if (pooled != null) {
            return pooled;
        }
        return TcpClientConnection.create(webClient, key, List.of(), released -> {
            idle.offerFirst(released);
            return true;
        }, closed -> idle.remove(closed)).connect();
    }

    @Override
    public void forward(EdgeExchange exchange) throws IOException {
        Http1ClientRequest request = client.method(Method.create(exchange.head().method()))
                .uri(base + exchange.head().target())
                .skipUriEncoding(true)
                .connection(connection());
        exchange.head().headers().forEach((name, value) -> {
            if (!LegServer.HOP_BY_HOP.contains(name)) {
                request.headers().add(HeaderNames.create(name), value);
            }
        });
        try (Http1ClientResponse response = exchange.hasBody()
                ? request.outputStream(out -> {
                    try (InputStream in = exchange.body()) {
                        in.transferTo(out);
                    }
                    out.close();
                })
                : request.request()) {
            List<Header> headers = new ArrayList<>();
            for (io.helidon.http.Header header : response.headers()) {
                if (!LegServer.HOP_BY_HOP.contains(header.name()) || header.name().equalsIgnoreCase("Content-Length")) {
                    headers.add(new Header(header.name(), header.get()));
                }
            }
            OutputStream out = exchange.stream(response.status().code(), headers);
            try (InputStream in = response.inputStream()) {
                in.transferTo(out);
            }
            out.close();
        }
    }
}
