package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import io.portcullis.core.jwt.JwtMint;
import io.portcullis.core.session.AesGcmCredentials;
import io.portcullis.core.session.CredentialKey;
import io.portcullis.core.token.SecretBytes;
import io.portcullis.infra.dynamodb.DynamoDbSessions;
import io.portcullis.infra.dynamodb.LocalDynamo;
import io.portcullis.infra.dynamodb.TableNames;
import io.portcullis.infra.redis.LocalRedis;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * hyper-auth-proxy's flow end to end over real sockets: a browser's JWT cookie → the gateway → the session's
 * credentials from a real store → the backend sees {@code Authorization: Basic} and never the JWT.
 */
class SessionCredentialsServerTest {
    private static final String CREDENTIALS = Base64.getEncoder().encodeToString(
            "alice@mail:s3cret".getBytes(StandardCharsets.UTF_8));
    private static final String CREDENTIAL_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    static String jwtCookie(String subject, String sid) {
        String jwt = JwtMint.hmac(JWSAlgorithm.HS512, JwtMint.HMAC_SECRET, JwtMint.claims(subject, Instant.now())
                .claim("sid", sid).build());
        return "Authorization=" + JwtMint.hyperAuthProxyCookie(jwt, true);
    }

    static String jwtYaml(String sessions, int backendPort) {
        return """
                rate-limits: { proxy: { requests-per-second: 1000, burst: 1000 } }
                upstream: { connect-timeout: 1s, read-timeout: 2s }
                jwt:
                  cookie: Authorization
                  cookie-base64: true
                  keys: [ { algorithm: HS512, secret: "%s" } ]
                sessions: %s
                routes:
                  - { prefix: /mail, target: "http://127.0.0.1:%d", token: jwt, inject-credentials: true }
                """.formatted(JwtMint.HMAC_SECRET, sessions, backendPort);
    }

    static HttpResponse<String> get(RunningGateway gateway, String path, String cookie) throws Exception {
        return gateway.send(HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Cookie", cookie).header("Authorization", "Basic ZXZpbDpldmls").build());
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnRedis {
        LocalRedis redis;
        TestBackend backend;
        RunningGateway gateway;

        @BeforeAll
        void start(@TempDir Path dir) throws Exception {
            Assumptions.assumeTrue(LocalRedis.binary().isPresent(), "redis-server is not installed");
            redis = LocalRedis.start();
            backend = new TestBackend();
            gateway = RunningGateway.start(dir, "store: { type: memory }\n" + jwtYaml("""
                    { store: redis, redis-uri: "%s", connect-timeout: 300ms, read-timeout: 300ms, format: base64 }"""
                    .formatted(redis.uri(1)), backend.port()));
        }

        @AfterAll
        void stop() {
            if (gateway != null) {
                gateway.close();
                backend.close();
            }
            if (redis != null) {
                redis.close();
            }
        }

        private String website(String credentials) {
            String sid = UUID.randomUUID().toString();
            try (Jedis jedis = redis.client(1)) {
                jedis.set(sid, "{\"credentials\":\"" + credentials + "\"}");
            }
            return sid;
        }

        @Test
        void backendSeesExactlyBasicCredentials_neverTheJwtCookie_otherCookiesKept() throws Exception {
            String sid = website(CREDENTIALS);

            HttpResponse<String> response = get(gateway, "/mail/inbox", "theme=dark; " + jwtCookie("alice", sid)
                    + "; lang=fr");

            assertThat(response.statusCode()).isEqualTo(200);
            TestBackend.Received received = backend.next();
            assertThat(received.headers().get("authorization")).containsExactly("Basic " + CREDENTIALS);
            assertThat(received.header("cookie")).isEqualTo("theme=dark; lang=fr");
            assertThat(received.header("x-user")).isEqualTo("alice");
        }

        @Test
        void deletingTheRedisKey_revokesOnTheNextRequest() throws Exception {
            String sid = website(CREDENTIALS);
            String cookie = jwtCookie("alice", sid);
            assertThat(get(gateway, "/mail/x", cookie).statusCode()).isEqualTo(200);
            backend.next();

            try (Jedis jedis = redis.client(1)) {
                jedis.del(sid);
            }

            HttpResponse<String> response = get(gateway, "/mail/x", cookie);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(RunningGateway.json(response).get("error").asText()).isEqualTo("invalid_session");
            assertThat(backend.receivedNothing()).isTrue();
        }

        @Test
        void malformedCookies_are401JsonNever500() throws Exception {
            for (String cookie : List.of("Authorization=%%%", "Authorization=\"", "Authorization="
                    + Base64.getEncoder().encodeToString("\"eyJhbGciOiJIUzUxMiJ9.e30.x".getBytes(
                            StandardCharsets.UTF_8)))) {
                HttpResponse<String> response = get(gateway, "/mail/x", cookie);
                assertThat(response.statusCode()).as(cookie).isEqualTo(401);
                assertThat(RunningGateway.json(response).get("error").asText()).as(cookie).isEqualTo("invalid_token");
            }
        }

        @Test
        void redisStopped_is503Json_thenRecovers() throws Exception {
            String cookie = jwtCookie("alice", "any-sid");
            redis.stop();
            try {
                HttpResponse<String> response = get(gateway, "/mail/x", cookie);

                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(RunningGateway.json(response).get("error").asText()).isEqualTo("unavailable");
            } finally {
                redis.startAgain();
            }
            String sid = website(CREDENTIALS);
            assertThat(get(gateway, "/mail/x", jwtCookie("alice", sid)).statusCode()).isEqualTo(200);
            backend.next();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnDynamoDbLocal {
        LocalDynamo.HttpServer dynamo;
        TestBackend backend;
        RunningGateway gateway;
        DynamoDbSessions sessions;
        AesGcmCredentials sealer;

        @BeforeAll
        void start(@TempDir Path dir) throws Exception {
            dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
            backend = new TestBackend();
            String prefix = "s" + UUID.randomUUID().toString().substring(0, 8) + "-";
            gateway = RunningGateway.start(dir, """
                    store: { type: dynamodb, endpoint: "%s", region: us-east-1, table-prefix: %s, create-tables: true }
                    """.formatted(dynamo.endpoint(), prefix) + jwtYaml("""
                    { format: aes-gcm, keys: [ { id: c1, key: "%s" } ] }""".formatted(CREDENTIAL_KEY), backend.port()));
            sessions = new DynamoDbSessions(dynamo.client(Duration.ofSeconds(5)),
                    TableNames.withPrefix(prefix).sessions(), Clock.systemUTC());
            sealer = new AesGcmCredentials(List.of(CredentialKey.fromBase64("c1",
                    SecretBytes.copyOf(CREDENTIAL_KEY.getBytes(StandardCharsets.US_ASCII)))), new SecureRandom());
        }

        @AfterAll
        void stop() {
            if (gateway != null) {
                gateway.close();
                backend.close();
            }
            if (dynamo != null) {
                dynamo.close();
            }
        }

        @Test
        void sealedCredentials_reachTheBackendAsBasic_andDeletionRevokes() throws Exception {
            String sid = UUID.randomUUID().toString();
            sessions.save(sid, sealer.seal(sid, "alice@mail:s3cret"), Optional.empty());
            String cookie = jwtCookie("alice", sid);

            assertThat(get(gateway, "/mail/inbox", cookie + "; theme=dark").statusCode()).isEqualTo(200);
            TestBackend.Received received = backend.next();
            assertThat(received.headers().get("authorization")).containsExactly("Basic " + CREDENTIALS);
            assertThat(received.header("cookie")).isEqualTo("theme=dark");

            sessions.remove(sid);
            assertThat(get(gateway, "/mail/inbox", cookie).statusCode()).isEqualTo(401);
        }

        @Test
        void tamperedSealedCredentials_are401() throws Exception {
            String sid = UUID.randomUUID().toString();
            String sealed = sealer.seal(sid, "alice@mail:s3cret");
            sessions.save(sid, sealed.replace("c1.", "c1.AAAA"), Optional.empty());

            HttpResponse<String> response = get(gateway, "/mail/x", jwtCookie("alice", sid));

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(RunningGateway.json(response).get("error").asText()).isEqualTo("invalid_session");
        }
    }
}
