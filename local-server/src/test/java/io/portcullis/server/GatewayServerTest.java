package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server end to end over real sockets, in front of a real backend. */
class GatewayServerTest {
    @TempDir
    static Path dir;
    static TestBackend backend;
    static RunningGateway gateway;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        String target = "http://127.0.0.1:" + backend.port();
        gateway = RunningGateway.start(dir, """
                users:
                  - { username: alice, password: wonderland, roles: [admin] }
                  - { username: bob, password: builder, roles: [dev] }
                rate-limits:
                  proxy: { requests-per-second: 1000, burst: 1000 }
                  auth: { requests-per-second: 1000, burst: 1000 }
                upstream: { connect-timeout: 1s, read-timeout: 1s }
                routes:
                  - { prefix: /api, target: "%1$s/v1" }
                  - { prefix: /admin, target: "%1$s", roles: [admin] }
                  - { prefix: /public, target: "%1$s", secure: false }
                  - { prefix: /down, target: "http://127.0.0.1:1" }
                """.formatted(target));
        alice = gateway.login("alice", "wonderland");
        bob = gateway.login("bob", "builder");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void proxiedCall_reachesBackendWithIdentity_withoutClientCredentialsOrSpoofedIdentity() throws Exception {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/api/items?q=a%20b&x=1"))
                .header("Authorization", "Bearer " + bob)
                .header("X-User", "alice")
                .header("X-User-Roles", "admin")
                .header("X-Token-Id", "forged")
                .header("X-Forwarded-For", "6.6.6.6")
                .header("Accept", "text/plain")
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from /v1/items");
        assertThat(response.headers().firstValue("RateLimit-Limit")).contains("1000");
        TestBackend.Received received = backend.next();
        assertThat(received.path()).isEqualTo("/v1/items");
        assertThat(received.query()).isEqualTo("q=a%20b&x=1");
        assertThat(received.headers().get("x-user")).containsExactly("bob");
        assertThat(received.headers().get("x-user-roles")).containsExactly("dev");
        assertThat(received.header("x-token-id")).matches("[0-9a-f]{32}");
        assertThat(received.headers()).doesNotContainKey("authorization");
        assertThat(received.header("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(received.header("x-forwarded-proto")).isEqualTo("http");
        assertThat(received.header("x-forwarded-host")).as("a direct client's Host is its own claim").isNull();
        assertThat(received.header("via")).isEqualTo("1.1 portcullis");
        assertThat(received.header("accept")).isEqualTo("text/plain");
    }

    @Test
    void tokenProblems_are401JsonAndNeverReachTheBackend() throws Exception {
        assertError(gateway.get("/api/x", null), 401, "missing_token");
        assertError(gateway.get("/api/x", "not-a-token"), 401, "invalid_token");
        assertError(gateway.get("/api/x", alice.substring(0, alice.length() - 3) + "AAA"), 401, "invalid_token");
        assertThat(backend.receivedNothing()).isTrue();
    }

    @Test
    void revokedToken_is401() throws Exception {
        String token = gateway.login("bob", "builder");
        assertThat(gateway.get("/api/x", token).statusCode()).isEqualTo(200);
        backend.next();

        HttpResponse<String> logout = gateway.postJson("/logout", "", token);

        assertThat(logout.statusCode()).isEqualTo(204);
        HttpResponse<String> after = gateway.get("/api/x", token);
        assertError(after, 401, "invalid_token");
        assertThat(RunningGateway.json(after).get("message").asText()).contains("revoked");
        assertThat(gateway.get("/api/x", bob).statusCode()).isEqualTo(200);
        backend.next();
    }

    @Test
    void adminRevokesAUser() throws Exception {
        String token = gateway.login("bob", "builder");

        assertThat(gateway.postJson("/admin/revoke", "{\"user\":\"bob\"}", token).statusCode()).isEqualTo(403);
        assertThat(gateway.postJson("/admin/revoke", "{\"user\":\"nobody\"}", alice).statusCode()).isEqualTo(204);
        assertThat(gateway.get("/api/x", token).statusCode()).isEqualTo(200);
        backend.next();
    }

    @Test
    void routeForbidsUser_is403() throws Exception {
        assertError(gateway.get("/admin/panel", bob), 403, "forbidden");
        assertThat(gateway.get("/admin/panel", alice).statusCode()).isEqualTo(200);
        assertThat(backend.next().path()).isEqualTo("/panel");
    }

    @Test
    void unknownPath_is404_andTraversalIsResolvedFirst() throws Exception {
        assertError(gateway.get("/nowhere", alice), 404, "not_found");
        assertThat(raw("GET /public/../admin/panel HTTP/1.1\r\nHost: x").status()).isEqualTo(401);
        RawHttp.Response encodedSlash = raw("GET /api%2Fx HTTP/1.1\r\nHost: x");
        assertThat(encodedSlash.status()).isEqualTo(400);
        assertThat(encodedSlash.body()).contains("\"error\":\"invalid_path\"");
    }

    @Test
    void openRoute_needsNoToken() throws Exception {
        HttpResponse<String> response = gateway.get("/public/page", null);

        assertThat(response.statusCode()).isEqualTo(200);
        TestBackend.Received received = backend.next();
        assertThat(received.path()).isEqualTo("/page");
        assertThat(received.headers()).doesNotContainKey("x-user");
    }

    @Test
    void hopByHopHeaders_stopAtTheGateway_bothWays() throws Exception {
        RawHttp.Response response = raw("GET /api/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice
                + "\r\nConnection: X-Private\r\nX-Private: 1\r\nKeep-Alive: timeout=5\r\nX-Kept: yes");
        TestBackend.Received received = backend.next();

        assertThat(response.status()).isEqualTo(200);
        assertThat(received.headers()).doesNotContainKeys("x-private", "keep-alive").containsKey("x-kept");

        HttpResponse<String> fromBackend = gateway.get("/api/status/200", alice);
        backend.next();
        assertThat(fromBackend.headers().map()).doesNotContainKey("x-hop").containsKey("x-backend");
        assertThat(fromBackend.headers().allValues("set-cookie")).containsExactly("a=1", "b=2");
    }

    @Test
    void backendAnswers_passThroughUnchanged() throws Exception {
        for (int status : new int[] {201, 404, 418, 500, 503}) {
            HttpResponse<String> response = gateway.get("/api/status/" + status, alice);
            backend.next();
            assertThat(response.statusCode()).isEqualTo(status);
            assertThat(response.body()).isEqualTo("status " + status);
        }
        HttpResponse<String> redirect = gateway.get("/api/status/302", alice);
        backend.next();
        assertThat(redirect.statusCode()).as("redirects are not followed").isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).contains("http://elsewhere.example/next");
        HttpResponse<String> noContent = gateway.get("/api/status/204", alice);
        backend.next();
        assertThat(noContent.statusCode()).isEqualTo(204);
    }

    @Test
    void headRequest_getsHeadersWithoutBody() throws Exception {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/api/bytes/1000"))
                .header("Authorization", "Bearer " + alice)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).contains("1000");
        assertThat(response.body()).isEmpty();
        assertThat(backend.next().method()).isEqualTo("HEAD");
    }

    @Test
    void postBody_reachesTheBackendIntact() throws Exception {
        HttpResponse<String> response = gateway.postJson("/api/echo", "{\"hello\":\"world\"}", alice);

        assertThat(response.statusCode()).isEqualTo(200);
        TestBackend.Received received = backend.next();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.bodyBytes()).isEqualTo(17);
        assertThat(received.header("content-type")).isEqualTo("application/json");
    }

    @Test
    void backendDown_is502Json() throws Exception {
        assertError(gateway.get("/down/x", alice), 502, "bad_gateway");
    }

    @Test
    void slowBackend_is504Json() throws Exception {
        assertError(gateway.get("/api/slow", alice), 504, "gateway_timeout");
        backend.next();
    }

    @Test
    void login_badBodies_are400Json() throws Exception {
        assertError(gateway.postJson("/auth", "{\"username\": ", null), 400, "invalid_json");
        assertError(gateway.send(HttpRequest.newBuilder(gateway.uri("/auth")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("alice:wonderland")).build()), 400, "unsupported_content_type");
        assertError(gateway.postJson("/auth", "{\"username\":\"alice\",\"password\":\"nope\"}", null), 401,
                "invalid_credentials");
        assertError(gateway.get("/auth", null), 405, "method_not_allowed");
    }

    @Test
    void malformedHttp_isJsonToo() throws Exception {
        RawHttp.Response response = raw("GET /api HTTP/1.1\r\nHost: x\r\nNo colon here");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.body()).startsWith("{\"error\":");
    }

    @Test
    void health_andMetrics_answer() throws Exception {
        HttpResponse<String> health = gateway.get("/observe/health", null);
        HttpResponse<String> metrics = gateway.get("/observe/metrics", null);

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("UP");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE");
    }

    @Test
    void stop_letsRequestsInFlightFinish(@TempDir Path otherDir) throws Exception {
        TestBackend slowBackend = new TestBackend();
        RunningGateway second = RunningGateway.start(otherDir, """
                users: [ { username: carol, password: c } ]
                upstream: { read-timeout: 10s }
                routes: [ { prefix: /, target: "http://127.0.0.1:%d" } ]
                """.formatted(slowBackend.port()));
        try {
            String token = second.login("carol", "c");
            CompletableFuture<HttpResponse<String>> inFlight = second.client.sendAsync(
                    HttpRequest.newBuilder(second.uri("/slow")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            slowBackend.next();

            second.close();

            HttpResponse<String> response = inFlight.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("late");
        } finally {
            slowBackend.close();
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String error) throws IOException {
        assertError(response, status);
        assertThat(RunningGateway.json(response).get("error").asText()).isEqualTo(error);
    }

    private static void assertError(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(RunningGateway.json(response).get("message").asText()).isNotBlank();
    }

    /** Sends bytes as they are: no client normalizing the path or refusing odd headers. */
    private static RawHttp.Response raw(String head) throws IOException {
        return RawHttp.send(gateway.server.port(), head);
    }
}
