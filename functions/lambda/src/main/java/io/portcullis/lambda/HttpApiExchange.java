package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.GatewayResponse;
import io.portcullis.core.Header;
import io.portcullis.core.MapHeaders;
import io.portcullis.core.net.IpLiteral;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP API payload 2.0 events to the core's neutral request and back. API Gateway buffers bodies, so they are
 * bytes here; binary ones travel base64-encoded both ways.
 */
final class HttpApiExchange {
    private HttpApiExchange() {
    }

    static GatewayRequest request(APIGatewayV2HTTPEvent event) {
        byte[] body = body(event.getBody(), event.getIsBase64Encoded());
        MapHeaders headers = headers(event.getHeaders(), event.getCookies());
        if (event.getBody() != null) {
            headers = withContentLength(headers, body.length);
        }
        APIGatewayV2HTTPEvent.RequestContext.Http http = event.getRequestContext().getHttp();
        return new GatewayRequest(
                http.getMethod().toUpperCase(Locale.ROOT),
                event.getRawPath(),
                event.getRawQueryString(),
                headers,
                sourceAddress(http.getSourceIp()),
                true,
                () -> new ByteArrayInputStream(body),
                // API Gateway answers for its own domain names only: the one the client used is vouched for.
                Optional.ofNullable(event.getRequestContext().getDomainName()).filter(name -> !name.isEmpty()));
    }

    /**
     * Headers as API Gateway hands them (names lower-cased, repeated values comma-joined; cookies apart), with
     * the cookies put back into one {@code Cookie} header.
     */
    static MapHeaders headers(Map<String, String> headers, List<String> cookies) {
        MapHeaders result = MapHeaders.empty();
        if (headers != null) {
            headers.forEach((name, value) -> {
                if (!name.equalsIgnoreCase("cookie")) {
                    result.add(name, value);
                }
            });
        }
        if (cookies != null && !cookies.isEmpty()) {
            result.add("cookie", String.join("; ", cookies));
        }
        return result;
    }

    /** The body's real length: API Gateway may have re-encoded it, so a client's Content-Length is not trusted. */
    private static MapHeaders withContentLength(MapHeaders headers, int length) {
        MapHeaders result = MapHeaders.empty();
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("content-length")) {
                result.add(name, value);
            }
        });
        return result.add("content-length", Integer.toString(length));
    }

    static APIGatewayV2HTTPResponse response(GatewayResponse response) {
        return response(response.status(), response.headers(), response.body());
    }

    static APIGatewayV2HTTPResponse response(int status, List<Header> headers, byte[] body) {
        Map<String, String> single = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        String contentType = "";
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase("set-cookie")) {
                cookies.add(header.value());
                continue;
            }
            if (header.name().equalsIgnoreCase("content-type")) {
                contentType = header.value();
            }
            single.merge(header.name(), header.value(), (a, b) -> a + ", " + b);
        }
        boolean text = isText(contentType, body);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(single)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withBody(body.length == 0 ? null
                        : text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !text)
                .build();
    }

    private static boolean isText(String contentType, byte[] body) {
        String type = contentType.toLowerCase(Locale.ROOT);
        boolean textual = type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript") || type.contains("x-www-form-urlencoded");
        if (!textual) {
            return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException notUtf8) {
            return false;
        }
    }

    private static byte[] body(String body, boolean base64) {
        if (body == null) {
            return new byte[0];
        }
        return base64 ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }

    /** API Gateway's {@code sourceIp} is the client as it saw the connection; it is never a hostname. */
    static InetAddress sourceAddress(String sourceIp) {
        return IpLiteral.parse(sourceIp).orElseGet(InetAddress::getLoopbackAddress);
    }
}
