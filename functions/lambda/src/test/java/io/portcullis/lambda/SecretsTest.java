package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.portcullis.core.StoreUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets named by ARN, and the signed {@code GetSecretValue} call that reads them, against a real HTTP endpoint
 * answering as Secrets Manager does (the signature itself: {@code SigV4Test}, and {@code RuntimeClientIT}'s endpoint).
 */
class SecretsTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:token";

    private HttpServer endpoint;
    private final Deque<int[]> statuses = new ConcurrentLinkedDeque<>();
    private final Deque<String> bodies = new ConcurrentLinkedDeque<>();
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("X-Amz-Target") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = bodies.pop().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(statuses.pop()[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
    }

    @AfterEach
    void stop() {
        endpoint.stop(0);
    }

    private void answer(int status, String body) {
        statuses.add(new int[] {status});
        bodies.add(body);
    }

    private Secrets.Manager manager() {
        return new Secrets.Manager(Map.of("AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "AKID",
                "AWS_SECRET_ACCESS_KEY", "secret", "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                "http://127.0.0.1:" + endpoint.getAddress().getPort()), new AwsHttpClient());
    }

    @Test
    void getSecretValue_asksForTheArn_andReturnsTheSecretString() {
        answer(200, "{\"ARN\":\"" + ARN + "\",\"Name\":\"token\",\"SecretString\":\"s3cret\",\"VersionId\":\"v1\"}");

        assertThat(manager().apply(ARN)).isEqualTo("s3cret");
        assertThat(received).containsExactly("secretsmanager.GetSecretValue {\"SecretId\":\"" + ARN + "\"}");
    }

    @Test
    void throttlingAndServerErrors_areTriedAgain_threeAttemptsInAll() {
        answer(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
        answer(500, "{\"__type\":\"InternalServiceError\"}");
        answer(200, "{\"SecretString\":\"s3cret\"}");

        assertThat(manager().apply(ARN)).isEqualTo("s3cret");
        assertThat(received).hasSize(3);
    }

    @Test
    void anEndpointThatKeepsFailing_isAStoreOutage_answered503() {
        for (int i = 0; i < 3; i++) {
            answer(503, "");
        }

        assertThatThrownBy(() -> manager().apply(ARN)).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("Secrets Manager");
        assertThat(received).hasSize(3);
    }

    @Test
    void aRefusal_namesSecretsManagersErrorType_andIsNotTriedAgain() {
        answer(400, "{\"__type\":\"com.amazonaws.secretsmanager#ResourceNotFoundException\","
                + "\"Message\":\"Secrets Manager can't find the specified secret.\"}");

        assertThatThrownBy(() -> manager().apply(ARN)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ResourceNotFoundException for " + ARN)
                .hasMessageContaining("can't find the specified secret");
        assertThat(received).hasSize(1);
    }

    @Test
    void aSecretWithoutText_isRefused_namingTheArn() {
        answer(200, "{\"ARN\":\"" + ARN + "\",\"SecretBinary\":\"AAEC\"}");

        assertThatThrownBy(() -> manager().apply(ARN)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ARN).hasMessageContaining("SecretString");
    }
    @Test
    void resolve_putsEachSecretUnderItsNameWithoutArn_andKeepsTheRest() {
        Map<String, String> env = Map.of(
                "PORTCULLIS_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:token",
                "PORTCULLIS_OLD_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:old",
                "AWS_REGION", "us-east-1");

        Map<String, String> resolved = Secrets.resolve(env, arn -> "value-of-" + arn.substring(arn.lastIndexOf(':') + 1));

        assertThat(resolved).containsEntry("PORTCULLIS_TOKEN_SECRET", "value-of-token")
                .containsEntry("PORTCULLIS_OLD_SECRET", "value-of-old")
                .containsEntry("AWS_REGION", "us-east-1")
                .containsEntry("PORTCULLIS_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:token");
    }

    @Test
    void resolve_noSecretArns_changesNothing() {
        assertThat(Secrets.resolve(Map.of("A", "b"), arn -> { throw new AssertionError("no fetch expected"); }))
                .containsExactly(Map.entry("A", "b"));
    }
}
