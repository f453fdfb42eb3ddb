package io.portcullis.core;

import java.util.List;

/** A response the gateway writes itself (not a backend's): status, headers and a small body. */
public record GatewayResponse(int status, List<Header> headers, byte[] body) {
    public GatewayResponse {
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public String contentType() {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase("Content-Type"))
                .map(Header::value).findFirst().orElse("");
    }
}
