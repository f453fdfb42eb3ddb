package io.portcullis.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Signed JSON-protocol calls against a real HTTP endpoint that answers as AWS services do: what is sent, what is
 * tried again and what is not, the checksum, and a call that gets no answer. The signature's bytes: {@link SigV4Test}.
 */
class AwsJsonServiceTest {
    private static final AwsJsonService.Protocol PROTOCOL = new AwsJsonService.Protocol("dynamodb",
            "DynamoDB_20120810", "application/x-amz-json-1.0");

    private HttpServer endpoint;
    private final SdkHttpClient http = UrlConnectionHttpClient.create();
    private final Deque<Answer> answers = new ConcurrentLinkedDeque<>();
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);

    private record Answer(int status, String body, String crc) {
    }

    @BeforeEach
    void start() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        endpoint.createContext("/", exchange -> {
            received.add(Map.of("target", exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                    "type", exchange.getRequestHeaders().getFirst("Content-Type"),
                    "authorization", exchange.getRequestHeaders().getFirst("Authorization"),
                    "token", String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token")),
                    "path", exchange.getRequestURI().getPath(),
                    "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            Answer answer = answers.poll();
            if (answer == null) { // no answer at all until the test ends
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.getResponseHeaders().add("x-amz-crc32", answer.crc() != null ? answer.crc() : crc32(body));
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
    }

    @AfterEach
    void stop() {
        released.countDown();
        endpoint.stop(0);
        http.close();
    }

    private AwsJsonService service(Duration deadline) {
        return new AwsJsonService(PROTOCOL, http, URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort()),
                "eu-west-1", StaticCredentialsProvider.create(AwsSessionCredentials.create("AKID", "secret", "tok")),
                deadline);
    }

    private void answer(int status, String body) {
        answers.add(new Answer(status, body, null));
    }

    @Test
    void aCall_isOneSignedPost_toTheRoot_withTheOperationAsTarget() {
        answer(200, "{\"Item\":{}}");

        byte[] answer = service(Duration.ofSeconds(5)).call("GetItem", "{\"TableName\":\"t\"}".getBytes());

        assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("{\"Item\":{}}");
        assertThat(received).hasSize(1);
        Map<String, String> request = received.get(0);
        assertThat(request).containsEntry("target", "DynamoDB_20120810.GetItem")
                .containsEntry("type", "application/x-amz-json-1.0").containsEntry("path", "/")
                .containsEntry("token", "tok").containsEntry("body", "{\"TableName\":\"t\"}");
        assertThat(request.get("authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKID/")
                .contains("/eu-west-1/dynamodb/aws4_request")
                .contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
    }

    @Test
    void throttling_andServerErrors_areTriedAgain() {
        answer(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\"}");
        answer(503, "{}");
        answer(200, "{}");

        assertThat(service(Duration.ofSeconds(10)).call("PutItem", "{}".getBytes())).asString().isEqualTo("{}");
        assertThat(received).hasSize(3);
    }

    @Test
    void aLastingOutage_isUnavailable_afterThreeAttempts() {
        answer(500, "{\"__type\":\"InternalServerError\",\"message\":\"boom\"}");
        answer(500, "{\"__type\":\"InternalServerError\",\"message\":\"boom\"}");
        answer(500, "{\"__type\":\"InternalServerError\",\"message\":\"boom again\"}");

        assertThatThrownBy(() -> service(Duration.ofSeconds(10)).call("Query", "{}".getBytes()))
                .isInstanceOf(AwsJsonService.Unavailable.class)
                .hasMessageContaining("DynamoDB_20120810.Query").hasMessageContaining("boom again");
        assertThat(received).hasSize(3);
    }

    @Test
    void aRefusal_isNotTriedAgain_andCarriesTypeMessageAndBody() {
        String body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                + "\"Message\":\"The conditional request failed\",\"Item\":{\"k\":{\"S\":\"v\"}}}";
        answer(400, body);

        assertThatThrownBy(() -> service(Duration.ofSeconds(5)).call("UpdateItem", "{}".getBytes()))
                .isInstanceOfSatisfying(AwsJsonService.Refused.class, refused -> {
                    assertThat(refused.status()).isEqualTo(400);
                    assertThat(refused.type()).isEqualTo("ConditionalCheckFailedException");
                    assertThat(refused.detail()).isEqualTo("The conditional request failed");
                    assertThat(refused.body()).asString().isEqualTo(body);
                });
        assertThat(received).hasSize(1);
    }

    @Test
    void anErrorBodyThatIsNotJson_isNamedByItsStatus() {
        answer(403, "<html>forbidden</html>");

        assertThatThrownBy(() -> service(Duration.ofSeconds(5)).call("GetItem", "{}".getBytes()))
                .isInstanceOfSatisfying(AwsJsonService.Refused.class,
                        refused -> assertThat(refused.type()).isEqualTo("HTTP 403"));
    }

    @Test
    void anAnswerThatFailsItsChecksum_isTriedAgain() {
        answers.add(new Answer(200, "{\"Count\":1}", "12345"));
        answer(200, "{\"Count\":2}");

        assertThat(service(Duration.ofSeconds(10)).call("Query", "{}".getBytes())).asString()
                .isEqualTo("{\"Count\":2}");
        assertThat(received).hasSize(2);
    }

    @Test
    void noAnswer_isUnavailable_withinTheDeadline_insteadOfAHang() {
        // No answer queued: the endpoint holds every request open. The HTTP client here would wait ten minutes for
        // a byte; each attempt is aborted at half the deadline instead. The minute below only tells a hang from an
        // answer: it is no measure of speed.
        try (SdkHttpClient patient = UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(10)).build()) {
            AwsJsonService service = new AwsJsonService(PROTOCOL, patient,
                    URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort()), "eu-west-1",
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")), Duration.ofMillis(600));
            assertTimeoutPreemptively(Duration.ofMinutes(1), () -> assertThatThrownBy(
                    () -> service.call("GetItem", "{}".getBytes()))
                    .isInstanceOf(AwsJsonService.Unavailable.class).hasMessageContaining("no answer from"));
        }
        assertThat(received).isNotEmpty();
    }

    @Test
    void endpoints_followTheEnvironment_andTheRegion() {
        assertThat(AwsJsonService.endpoint("dynamodb", "DYNAMODB", "eu-west-1", Map.of()))
                .hasToString("https://dynamodb.eu-west-1.amazonaws.com/");
        assertThat(AwsJsonService.endpoint("dynamodb", "DYNAMODB", "cn-north-1", Map.of()))
                .hasToString("https://dynamodb.cn-north-1.amazonaws.com.cn/");
        assertThat(AwsJsonService.endpoint("dynamodb", "DYNAMODB", "us-east-1",
                Map.of("AWS_USE_FIPS_ENDPOINT", "true"))).hasToString("https://dynamodb-fips.us-east-1.amazonaws.com/");
        assertThat(AwsJsonService.endpoint("dynamodb", "DYNAMODB", "us-east-1",
                Map.of("AWS_USE_DUALSTACK_ENDPOINT", "TRUE"))).hasToString("https://dynamodb.us-east-1.api.aws/");
        assertThat(AwsJsonService.endpoint("secretsmanager", "SECRETS_MANAGER", "us-east-1",
                Map.of("AWS_ENDPOINT_URL", "http://localhost:4566",
                        "AWS_ENDPOINT_URL_SECRETS_MANAGER", "https://vpce.example:8443")))
                .hasToString("https://vpce.example:8443/");
        assertThat(AwsJsonService.endpoint("dynamodb", "DYNAMODB", "us-east-1",
                Map.of("AWS_ENDPOINT_URL", "http://localhost:4566"))).hasToString("http://localhost:4566/");
    }

    @Test
    void longTermCredentials_sendNoSessionToken() {
        answer(200, "{}");
        new AwsJsonService(PROTOCOL, http, URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort()),
                "eu-west-1", StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")),
                Duration.ofSeconds(5)).call("GetItem", "{}".getBytes());

        assertThat(received.get(0)).containsEntry("token", "null");
        assertThat(received.get(0).get("authorization")).contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target");
    }

    @Test
    void noCredentials_failTheCall_withTheProvidersError_andNothingIsSent() {
        AwsJsonService service = new AwsJsonService(PROTOCOL, http,
                URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort()), "eu-west-1",
                (AwsCredentialsProvider) () -> {
                    throw new IllegalStateException("no credentials anywhere");
                }, Duration.ofSeconds(5));

        assertThatThrownBy(() -> service.call("GetItem", "{}".getBytes()))
                .isInstanceOf(IllegalStateException.class).hasMessage("no credentials anywhere");
        assertThat(received).isEmpty();
    }

    private static String crc32(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return Long.toString(crc.getValue());
    }
}
