package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * API Gateway events in their documented shapes (fixtures under {@code events/}), edited per test and turned into
 * objects by aws-lambda-java-serialization, the library the Lambda runtime itself uses.
 */
final class Events {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    /** An HTTP API payload 2.0 request; {@code pathAndQuery} may hold a query; a binary body goes base64. */
    static APIGatewayV2HTTPEvent httpApi(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        ObjectNode event = fixture("http-api-request.json");
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        event.put("rawPath", path).put("rawQueryString", q < 0 ? "" : pathAndQuery.substring(q + 1));
        ((ObjectNode) event.get("requestContext").get("http")).put("method", method).put("path", path);
        ObjectNode eventHeaders = (ObjectNode) event.get("headers");
        eventHeaders.remove("content-length");
        headers.forEach(eventHeaders::put);
        event.remove("cookies");
        if (body.length > 0) {
            boolean text = headers.getOrDefault("content-type", "").contains("json")
                    || headers.getOrDefault("content-type", "").startsWith("text/")
                    || headers.getOrDefault("content-type", "").contains("form");
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", !text);
            eventHeaders.put("content-length", Integer.toString(body.length));
        }
        return read(APIGatewayV2HTTPEvent.class, event);
    }

    /** An HTTP API request whose cookies arrive as API Gateway sends them: in {@code cookies}, not a header. */
    static APIGatewayV2HTTPEvent httpApiWithCookies(String method, String path, Map<String, String> headers,
            java.util.List<String> cookies) {
        ObjectNode json;
        try {
            json = (ObjectNode) JSON.readTree(write(APIGatewayV2HTTPEvent.class, httpApi(method, path, headers,
                    new byte[0])));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cookies.forEach(json.putArray("cookies")::add);
        return read(APIGatewayV2HTTPEvent.class, json);
    }

    static APIGatewayV2HTTPEvent withAuthorizerContext(APIGatewayV2HTTPEvent event, Map<String, String> context) {
        ObjectNode json = JSON.valueToTree(Map.of());
        try {
            json = (ObjectNode) JSON.readTree(write(APIGatewayV2HTTPEvent.class, event));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode lambda = ((ObjectNode) json.get("requestContext")).putObject("authorizer").putObject("lambda");
        context.forEach(lambda::put);
        return read(APIGatewayV2HTTPEvent.class, json);
    }

    static APIGatewayV2CustomAuthorizerEvent authorizerV2(String path, String authorization) {
        ObjectNode event = fixture("http-api-authorizer-v2.json");
        event.put("rawPath", path);
        ((ObjectNode) event.get("headers")).put("authorization", authorization);
        event.putArray("identitySource").add(authorization);
        return read(APIGatewayV2CustomAuthorizerEvent.class, event);
    }

    /** A payload 2.0 authorizer request that carries only cookies (a browser's), no Authorization header. */
    static APIGatewayV2CustomAuthorizerEvent authorizerV2WithCookies(String method, String path,
            java.util.List<String> cookies) {
        ObjectNode event = fixture("http-api-authorizer-v2.json");
        event.put("rawPath", path);
        ((ObjectNode) event.get("requestContext").get("http")).put("method", method).put("path", path);
        ((ObjectNode) event.get("headers")).remove("authorization");
        event.putArray("identitySource");
        cookies.forEach(event.putArray("cookies")::add);
        return read(APIGatewayV2CustomAuthorizerEvent.class, event);
    }

    /** A REST REQUEST authorizer event with these headers (and no others of the fixture's Authorization). */
    static APIGatewayCustomAuthorizerEvent restRequest(String path, Map<String, String> headers) {
        ObjectNode event = fixture("rest-authorizer-request.json");
        event.put("path", path);
        event.put("methodArn", "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET" + path);
        ObjectNode eventHeaders = (ObjectNode) event.get("headers");
        eventHeaders.remove("Authorization");
        headers.forEach(eventHeaders::put);
        return read(APIGatewayCustomAuthorizerEvent.class, event);
    }

    static APIGatewayCustomAuthorizerEvent restRequest(String path, String authorization) {
        ObjectNode event = fixture("rest-authorizer-request.json");
        event.put("path", path);
        event.put("methodArn", "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET" + path);
        ((ObjectNode) event.get("headers")).put("Authorization", authorization);
        return read(APIGatewayCustomAuthorizerEvent.class, event);
    }

    /** HTTP API payload 1.0: the REST REQUEST shape plus version, identitySource and authorizationToken. */
    static APIGatewayCustomAuthorizerEvent httpApiV1(String path, String authorization) {
        ObjectNode event = fixture("http-api-authorizer-v1.json");
        event.put("path", path).put("identitySource", authorization).put("authorizationToken", authorization);
        event.put("methodArn", "arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default/GET" + path);
        ((ObjectNode) event.get("headers")).put("authorization", authorization);
        return read(APIGatewayCustomAuthorizerEvent.class, event);
    }

    static APIGatewayCustomAuthorizerEvent restToken(String path, String authorization) {
        ObjectNode event = fixture("rest-authorizer-token.json");
        event.put("authorizationToken", authorization);
        event.put("methodArn", "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET" + path);
        return read(APIGatewayCustomAuthorizerEvent.class, event);
    }

    static ObjectNode fixture(String name) {
        try (InputStream in = Events.class.getResourceAsStream("/events/" + name)) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(Class<T> type, ObjectNode json) {
        try {
            return LambdaEventSerializers.serializerFor(type, Events.class.getClassLoader())
                    .fromJson(new ByteArrayInputStream(JSON.writeValueAsBytes(json)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As the runtime would put the handler's result on the wire. */
    static <T> String write(Class<T> type, T value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(type, Events.class.getClassLoader()).toJson(value, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
