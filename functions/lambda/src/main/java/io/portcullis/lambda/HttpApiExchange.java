package io.portcullis.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.GatewayResponse;
import io.portcullis.core.Header;
import io.portcullis.core.Json;
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
 * API Gateway's events (HTTP API payload 2.0, and the REST/payload 1.0 shape an authorizer may get) to the core's
 * neutral request, and the core's answers to HTTP API responses. API Gateway buffers bodies, so they are bytes here;
 * binary ones travel base64-encoded both ways.
 */
final class HttpApiExchange {
    private HttpApiExchange() {
    }

    /** An HTTP API payload 2.0 request event. */
    static GatewayRequest request(JsonNode event) {
        String rawBody = LambdaJson.text(event, "body").orElse(null);
        byte[] body = body(rawBody, event.path("isBase64Encoded").asBoolean(false));
        MapHeaders headers = headers(event);
        if (rawBody != null) {
            headers = withContentLength(headers, body.length);
        }
        return new GatewayRequest(
                LambdaJson.text(event, "requestContext", "http", "method").orElse("GET").toUpperCase(Locale.ROOT),
                LambdaJson.text(event, "rawPath").orElse("/"),
                LambdaJson.text(event, "rawQueryString").orElse(""),
                headers,
                sourceAddress(LambdaJson.text(event, "requestContext", "http", "sourceIp").orElse("")),
                true,
                () -> new ByteArrayInputStream(body),
                // API Gateway answers for its own domain names only: the one the client used is vouched for.
                LambdaJson.text(event, "requestContext", "domainName").filter(name -> !name.isEmpty()));
    }

    /**
     * An event's headers as the gateway reads them. Payload 2.0 gives one map (names lower-cased, repeated values
     * comma-joined) and the cookies apart, in {@code cookies}: they go back into one {@code Cookie} header. The REST
     * and payload 1.0 shapes give {@code multiValueHeaders} (every value) beside {@code headers} (the last one), and
     * leave the {@code Cookie} header where it is.
     */
    static MapHeaders headers(JsonNode event) {
        MapHeaders result = MapHeaders.empty();
        JsonNode cookies = event.path("cookies");
        boolean cookiesApart = cookies.isArray() && !cookies.isEmpty();
        JsonNode multi = event.path("multiValueHeaders");
        if (multi.isObject() && !multi.isEmpty()) {
            multi.properties().forEach(entry -> entry.getValue().forEach(value -> {
                if (value.isTextual()) {
                    result.add(entry.getKey(), value.asText());
                }
            }));
        } else {
            event.path("headers").properties().forEach(entry -> {
                if (entry.getValue().isTextual() && !(cookiesApart && entry.getKey().equalsIgnoreCase("cookie"))) {
                    result.add(entry.getKey(), entry.getValue().asText());
                }
            });
        }
        if (cookiesApart) {
            List<String> values = new ArrayList<>();
            cookies.forEach(cookie -> values.add(cookie.asText()));
            result.add("cookie", String.join("; ", values));
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

    static ObjectNode response(GatewayResponse response) {
        return response(response.status(), response.headers(), response.body());
    }

    /** An HTTP API payload 2.0 response: repeated headers comma-joined, {@code Set-Cookie} in {@code cookies}. */
    static ObjectNode response(int status, List<Header> headers, byte[] body) {
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
        ObjectNode answer = Json.object().put("statusCode", status);
        ObjectNode headerNode = answer.putObject("headers");
        single.forEach(headerNode::put);
        if (!cookies.isEmpty()) {
            cookies.forEach(answer.putArray("cookies")::add);
        }
        boolean text = isText(contentType, body);
        if (body.length > 0) {
            answer.put("body", text ? new String(body, StandardCharsets.UTF_8)
                    : Base64.getEncoder().encodeToString(body));
        }
        return answer.put("isBase64Encoded", body.length > 0 && !text);
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
        try {
            return base64 ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("the event's body is marked base64 but is not");
        }
    }

    /** API Gateway's {@code sourceIp} is the client as it saw the connection; it is never a hostname. */
    static InetAddress sourceAddress(String sourceIp) {
        return IpLiteral.parse(sourceIp).orElseGet(InetAddress::getLoopbackAddress);
    }
}
