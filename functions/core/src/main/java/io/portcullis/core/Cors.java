package io.portcullis.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Cross-origin access for browsers, one allow-list for the whole gateway. A preflight ({@code OPTIONS} with
 * {@code Origin} and {@code Access-Control-Request-Method}) from an allowed origin is answered by the gateway; any
 * other {@code OPTIONS} request goes down the route like any request. Answers to allowed origins carry
 * {@code Access-Control-Allow-Origin} (that origin, never {@code *}) and {@code Access-Control-Allow-Credentials};
 * answers to anyone else carry neither.
 */
public final class Cors {
    public static final Cors NONE = new Cors(List.of(), Duration.ofHours(1));
    private static final Pattern TOKEN_LIST = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+(\\s*,\\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*");
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");

    private final Set<String> origins;
    private final Duration maxAge;

    /** @param origins allowed origins ({@code https://app.example}), compared without case or trailing slash */
    public Cors(List<String> origins, Duration maxAge) {
        this.origins = origins.stream().map(Cors::normalize).collect(Collectors.toUnmodifiableSet());
        this.maxAge = maxAge;
    }

    private static String normalize(String origin) {
        String trimmed = origin.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }

    /** The request's origin, when it is one of the allowed ones. */
    Optional<String> allowedOrigin(RequestHeaders headers) {
        if (origins.isEmpty()) {
            return Optional.empty();
        }
        List<String> values = headers.all("Origin");
        if (values.size() != 1 || !origins.contains(normalize(values.get(0)))) {
            return Optional.empty();
        }
        String origin = values.get(0).strip();
        return origin.indexOf('\r') < 0 && origin.indexOf('\n') < 0 ? Optional.of(origin) : Optional.empty();
    }

    /** Headers for an answer to this request: the CORS grant for an allowed origin, nothing otherwise. */
    public List<Header> responseHeaders(RequestHeaders headers) {
        return allowedOrigin(headers).map(Cors::grant).orElse(List.of());
    }

    private static List<Header> grant(String origin) {
        return List.of(new Header("Access-Control-Allow-Origin", origin),
                new Header("Access-Control-Allow-Credentials", "true"),
                new Header("Vary", "Origin"));
    }

    /** The gateway's answer to a preflight from an allowed origin; empty for every other request. */
    Optional<Reply> preflight(GatewayRequest request) {
        if (!request.method().equals("OPTIONS")) {
            return Optional.empty();
        }
        Optional<String> method = request.headers().first("Access-Control-Request-Method").map(String::strip);
        Optional<String> origin = allowedOrigin(request.headers());
        if (method.isEmpty() || origin.isEmpty() || !METHOD.matcher(method.get()).matches()) {
            return Optional.empty();
        }
        List<Header> headers = new ArrayList<>(grant(origin.get()));
        headers.add(new Header("Access-Control-Allow-Methods", method.get()));
        request.headers().first("Access-Control-Request-Headers").map(String::strip)
                .filter(list -> list.length() <= 1024 && TOKEN_LIST.matcher(list).matches())
                .ifPresent(list -> headers.add(new Header("Access-Control-Allow-Headers", list)));
        headers.add(new Header("Access-Control-Max-Age", Long.toString(maxAge.toSeconds())));
        GatewayResponse response = new GatewayResponse(204, headers, new byte[0]);
        return Optional.of(() -> response);
    }
}
