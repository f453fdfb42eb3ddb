package io.portcullis.infra.jwks;

import io.portcullis.core.port.JwksFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Fetches a JWKS document over HTTP(S) with the JDK's client: one GET, bounded by a timeout (connect and whole
 * exchange) and a size limit, redirects not followed, 200 only. What to fetch and when is decided by the core
 * ({@code JwksKeys}); this only moves the bytes.
 */
public final class HttpJwksFetcher implements JwksFetcher {
    /** A JWKS holds a handful of keys; anything this large is not one. */
    static final int MAX_BYTES = 256 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    public HttpJwksFetcher(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String fetchKeySet(URI url) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Accept", "application/jwk-set+json, application/json").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching the JWKS", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("JWKS answered " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IOException("JWKS larger than " + MAX_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
