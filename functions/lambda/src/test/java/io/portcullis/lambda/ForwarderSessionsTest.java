package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.core.jwt.JwtMint;
import io.portcullis.infra.dynamodb.DynamoDbSessions;
import io.portcullis.infra.dynamodb.LocalDynamo;
import io.portcullis.infra.dynamodb.TableNames;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hyper-auth-proxy's flow in the Lambda forwarder, on DynamoDB Local: HTTP API cannot set an upstream
 * {@code Authorization} header, so the forwarder injects the session's credentials itself.
 */
class ForwarderSessionsTest {
    private static final String CREDENTIALS = Base64.getEncoder().encodeToString(
            "alice@mail:s3cret".getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path dir;
    static LocalDynamo.HttpServer dynamo;
    static HttpServer backend;
    static final BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
    static LambdaFunctions functions;
    static DynamoDbSessions sessions;

    @BeforeAll
    static void start() throws Exception {
        dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
        TableNames tables = LocalDynamo.freshTables(dynamo.client(Duration.ofSeconds(20)));
        String prefix = tables.users().substring(0, tables.users().length() - "users".length());
        sessions = new DynamoDbSessions(dynamo.client(Duration.ofSeconds(5)), tables.sessions(), Clock.systemUTC());
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join("|", v)));
            received.add(headers);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        backend.start();
        functions = new LambdaFunctions("""
                store: { type: dynamodb, endpoint: "%s", region: us-east-1, table-prefix: %s, timeout: 10s }
                jwt:
                  cookie: Authorization
                  cookie-base64: true
                  keys: [ { algorithm: HS512, secret: "%s" } ]
                sessions: { format: base64 }
                routes:
                  - { prefix: /mail, target: "http://127.0.0.1:%d", token: jwt, inject-credentials: true }
                """.formatted(dynamo.endpoint(), prefix, JwtMint.HMAC_SECRET, backend.getAddress().getPort()));
    }

    @AfterAll
    static void stop() {
        backend.stop(0);
        dynamo.close();
    }

    private static String jwt(String sid) {
        return JwtMint.hmac(JWSAlgorithm.HS512, JwtMint.HMAC_SECRET, JwtMint.claims("alice", Instant.now())
                .claim("sid", sid).build());
    }

    private static String newSession() {
        String sid = UUID.randomUUID().toString();
        sessions.save(sid, CREDENTIALS, Optional.empty());
        return sid;
    }

    @Test
    void forwarder_injectsBasicCredentials_andDropsTheJwtCookie() throws Exception {
        String cookie = "Authorization=" + JwtMint.hyperAuthProxyCookie(jwt(newSession()), false);

        APIGatewayV2HTTPResponse response = functions.invoke(Events.httpApiWithCookies("GET", "/mail/inbox",
                Map.of("authorization", "Basic ZXZpbDpldmls"), List.of("theme=dark", cookie)));

        assertThat(response.getStatusCode()).isEqualTo(200);
        Map<String, String> headers = received.poll(5, TimeUnit.SECONDS);
        assertThat(headers).containsEntry("authorization", "Basic " + CREDENTIALS)
                .containsEntry("cookie", "theme=dark").containsEntry("x-user", "alice");
    }

    @Test
    void forwarder_deletedSession_is401_atOnce() throws Exception {
        String sid = newSession();
        Map<String, String> bearer = Map.of("authorization", "Bearer " + jwt(sid));
        assertThat(functions.invoke(Events.httpApi("GET", "/mail/x", bearer, new byte[0])).getStatusCode())
                .isEqualTo(200);
        received.poll(5, TimeUnit.SECONDS);

        sessions.remove(sid);

        APIGatewayV2HTTPResponse response = functions.invoke(Events.httpApi("GET", "/mail/x", bearer, new byte[0]));
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(new ObjectMapper().readTree(response.getBody()).get("error").asText()).isEqualTo("invalid_session");
    }

    @Test
    void forwarder_anAuthorizerContextAlone_doesNotOpenASession() {
        var event = Events.withAuthorizerContext(Events.httpApi("GET", "/mail/x", Map.of(), new byte[0]),
                Map.of("user", "alice", "roles", "", "token_id", "0123456789abcdef0123456789abcdef",
                        "expires_at", Long.toString(System.currentTimeMillis() + 600_000)));

        assertThat(functions.invoke(event).getStatusCode()).isEqualTo(401);
    }

    @Test
    void authorizer_acceptsTheJwt_onAJwtRoute() {
        SimpleIAMPolicyResponse allowed = functions.authorize(Events.authorizerV2("/mail/x", "Bearer " + jwt("whatever")));
        SimpleIAMPolicyResponse denied = functions.authorize(Events.authorizerV2("/mail/x", "Bearer " + jwt("whatever") + "x"));

        assertThat(allowed.getIsAuthorized()).isTrue();
        assertThat(allowed.getContext()).containsEntry("user", "alice");
        assertThat(denied.getIsAuthorized()).isFalse();
    }
}
