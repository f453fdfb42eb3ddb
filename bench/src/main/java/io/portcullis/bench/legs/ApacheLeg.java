package io.portcullis.bench.legs;

import io.portcullis.core.Header;
import io.portcullis.server.edge.EdgeExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;

/** Apache HttpClient 5, classic (blocking) API, pooled: connections per route as many as requests in flight. */
final class ApacheLeg implements Leg {
    private final CloseableHttpClient client;
    private final HttpHost host;

    ApacheLeg(InetSocketAddress address) {
        this.host = new HttpHost("http", address.getHostString(), address.getPort());
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(20_000).setMaxConnPerRoute(20_000).build())
                .disableRedirectHandling()
                .disableContentCompression()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    @Override
    public void forward(EdgeExchange exchange) throws IOException {
        BasicClassicHttpRequest request = new BasicClassicHttpRequest(exchange.head().method(), host,
                exchange.head().target());
        exchange.head().headers().forEach((name, value) -> {
            if (!LegServer.HOP_BY_HOP.contains(name)) {
                request.addHeader(name, value);
            }
        });
        if (exchange.hasBody()) {
            long length = exchange.head().headers().first("Content-Length").map(Long::parseLong).orElse(-1L);
            request.setEntity(new InputStreamEntity(exchange.body(), length, null));
        }
        try (ClassicHttpResponse response = client.executeOpen(host, request, null)) {
            List<Header> headers = new ArrayList<>();
            for (org.apache.hc.core5.http.Header header : response.getHeaders()) {
                if (!LegServer.HOP_BY_HOP.contains(header.getName())
                        || header.getName().equalsIgnoreCase("Content-Length")) {
                    headers.add(new Header(header.getName(), header.getValue()));
                }
            }
            OutputStream out = exchange.stream(response.getCode(), headers);
            HttpEntity entity = response.getEntity();
            if (entity != null) {
                entity.writeTo(out);
            }
            out.close();
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
