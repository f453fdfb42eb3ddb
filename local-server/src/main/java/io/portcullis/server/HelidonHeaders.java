package io.portcullis.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.portcullis.core.RequestHeaders;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/** Helidon's request headers seen through the core's view, without copying them. */
final class HelidonHeaders implements RequestHeaders {
    private final Headers headers;

    HelidonHeaders(Headers headers) {
        this.headers = headers;
    }

    @Override
    public Optional<String> first(String name) {
        return headers.first(HeaderNames.create(name));
    }

    @Override
    public List<String> all(String name) {
        return headers.all(HeaderNames.create(name), List::of);
    }

    @Override
    public void forEach(BiConsumer<String, String> action) {
        for (Header header : headers) {
            String name = header.name();
            for (String value : header.allValues()) {
                action.accept(name, value);
            }
        }
    }
}
