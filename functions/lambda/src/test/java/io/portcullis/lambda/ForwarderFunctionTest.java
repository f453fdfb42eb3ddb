package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwarderFunctionTest {
    private static final byte[] BINARY = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 10, 13, 0x7f};

    private final BlockingQueue<Map<String, Object>> received = new LinkedBlockingQueue<>();
    private HttpServer backend;
    private LambdaFunctions functions;

    @BeforeEach
    void start() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            received.add(Map.of("path", exchange.getRequestURI().getRawPath(), "body", body, "headers", headers));
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/slow")) {
                sleep(3000);
            }
            byte[] answer = path.endsWith("/binary") ? BINARY
                    : path.endsWith("/huge") ? new byte[ForwarderFunction.MAX_RESPONSE_BYTES + 1]
                    : "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", path.endsWith("/binary")
                    ? "application/octet-stream" : "application/json");
            exchange.getResponseHeaders().add("Set-Cookie", "a=1; Path=/");
            exchange.getResponseHeaders().add("Set-Cookie", "b=2; Path=/");
            exchange.getResponseHeaders().add("X-Multi", "one");
            exchange.getResponseHeaders().add("X-Multi", "two");
            exchange.sendResponseHeaders(path.endsWith("/created") ? 201 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        backend.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        backend.start();
        functions = new LambdaFunctions("""
                users: [ { username: alice, password: "%s", roles: [admin] } ]
                store: { type: memory }
                upstream: { read-timeout: 1s }
                routes:
                  - { prefix: /api, target: "http://127.0.0.1:%d/v1" }
                  - { prefix: /admin, target: "http://127.0.0.1:%2$d", roles: [admin] }
                  - { prefix: /down, target: "http://127.0.0.1:1" }
                """.formatted(Hashes.of("wonderland"), backend.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        backend.stop(0);
    }

    @Test
    void binaryBodies_travelBase64BothWays() throws Exception {
        APIGatewayV2HTTPResponse response = functions.invoke(Events.httpApi("POST", "/api/binary?x=%20y",
                Map.of("authorization", "Bearer " + token(), "content-type", "application/octet-stream"), BINARY));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getIsBase64Encoded()).isTrue();
        assertThat(LambdaFunctions.body(response)).isEqualTo(BINARY);
        Map<String, Object> upstream = received.poll(5, TimeUnit.SECONDS);
        assertThat((byte[]) upstream.get("body")).isEqualTo(BINARY);
        assertThat(upstream.get("path")).isEqualTo("/v1/binary");
    }

    @Test
    void cookiesAndRepeatedHeaders_comeBackAsHttpApiWantsThem() throws Exception {
        APIGatewayV2HTTPResponse response = functions.invoke(Events.httpApi("GET", "/api/created",
                Map.of("authorization", "Bearer " + token()), new byte[0]));

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(response.getCookies()).containsExactly("a=1; Path=/", "b=2; Path=/");
        assertThat(response.getHeaders()).containsEntry("X-multi", "one, two").doesNotContainKey("Set-cookie");
        assertThat(response.getHeaders()).containsKey("RateLimit-Remaining");
        assertThat(response.getBody()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void identityFromTheAuthorizer_isTrustedWithoutAToken() throws Exception {
        var event = Events.withAuthorizerContext(Events.httpApi("GET", "/admin/x", Map.of(), new byte[0]),
                Map.of("user", "carol", "roles", "admin", "token_id", "0123456789abcdef0123456789abcdef",
                        "expires_at", Long.toString(System.currentTimeMillis() + 600_000)));

        APIGatewayV2HTTPResponse response = functions.invoke(event);

        assertThat(response.getStatusCode()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, String> headers = (Map<String, String>) received.poll(5, TimeUnit.SECONDS).get("headers");
        assertThat(headers).containsEntry("x-user", "carol").containsEntry("x-token-id",
                "0123456789abcdef0123456789abcdef");
    }

    @Test
    void clientClaims_identityLookAlikesForwardingAndOverrideHeaders_neverReachTheBackend() throws Exception {
        Map<String, String> claims = new java.util.LinkedHashMap<>();
        claims.put("authorization", "Bearer " + token());
        for (String name : List.of("x_user", "x_user_roles", "x-token_id", "x-user", "x-forwarded-user",
                "x-forwarded-prefix", "x-forwarded-port", "x-forwarded-ssl", "x-forwarded-host", "forwarded",
                "x-real-ip", "true-client-ip", "x-original-url", "x-rewrite-url", "x-http-method-override")) {
            claims.put(name, "mallory");
        }
        claims.put("x-kept", "yes");

        APIGatewayV2HTTPResponse response = functions.invoke(Events.httpApi("GET", "/api/x", claims, new byte[0]));

        assertThat(response.getStatusCode()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, String> headers = (Map<String, String>) received.poll(5, TimeUnit.SECONDS).get("headers");
        assertThat(headers).containsEntry("x-user", "alice").containsEntry("x-kept", "yes")
                .doesNotContainKeys("x_user", "x_user_roles", "x-token_id", "x-forwarded-user", "x-forwarded-prefix",
                        "x-forwarded-port", "x-forwarded-ssl", "forwarded", "x-real-ip", "true-client-ip",
                        "x-original-url", "x-rewrite-url", "x-http-method-override");
        assertThat(headers.values()).noneMatch(value -> value.contains("mallory"));
        assertThat(headers).as("the domain API Gateway answered on vouches for the host")
                .containsEntry("x-forwarded-host", "r3pmxmplak.execute-api.us-east-2.amazonaws.com")
                .containsEntry("x-forwarded-proto", "https");
    }

    @Test
    void anUnreadableAuthorizerContext_fallsBackToTheToken() {
        var event = Events.withAuthorizerContext(Events.httpApi("GET", "/api/x", Map.of(), new byte[0]),
                Map.of("user", "carol", "token_id", "not-hex"));

        assertThat(functions.invoke(event).getStatusCode()).isEqualTo(401);
    }

    @Test
    void backendDown_is502_slow_is504_tooLarge_is502() throws Exception {
        String token = token();
        Map<String, String> auth = Map.of("authorization", "Bearer " + token);

        assertError(functions.invoke(Events.httpApi("GET", "/down/x", auth, new byte[0])), 502, "bad_gateway");
        assertError(functions.invoke(Events.httpApi("GET", "/api/slow", auth, new byte[0])), 504, "gateway_timeout");
        assertError(functions.invoke(Events.httpApi("GET", "/api/huge", auth, new byte[0])), 502, "bad_gateway");
    }

    @Test
    void upstreamLatency_isAnEmbeddedMetric() throws Exception {
        functions.invoke(Events.httpApi("GET", "/api/x", Map.of("authorization", "Bearer " + token()), new byte[0]));

        JsonNode metric = functions.context.lines.stream().map(ForwarderFunctionTest::json)
                .filter(line -> line.has("UpstreamLatency")).findFirst().orElseThrow();
        JsonNode directive = metric.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("Portcullis");
        assertThat(directive.get("Metrics").get(0).get("Unit").asText()).isEqualTo("Milliseconds");
        assertThat(directive.get("Dimensions").get(0)).extracting(JsonNode::asText).containsExactly("Function");
        assertThat(metric.get("Function").asText()).isEqualTo("forwarder");
        assertThat(metric.get("_aws").get("Timestamp").asLong()).isPositive();
    }

    private String token() throws Exception {
        APIGatewayV2HTTPResponse login = functions.invoke(Events.httpApi("POST", "/auth",
                Map.of("content-type", "application/json"),
                "{\"username\":\"alice\",\"password\":\"wonderland\"}".getBytes(StandardCharsets.UTF_8)));
        return new ObjectMapper().readTree(login.getBody()).get("token").asText();
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String error) throws Exception {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(new ObjectMapper().readTree(response.getBody()).get("error").asText()).isEqualTo(error);
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
