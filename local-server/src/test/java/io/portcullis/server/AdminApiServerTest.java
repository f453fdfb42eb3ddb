package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over real sockets, on the embedded store (DynamoDB Local in-process), as a server runs it. */
class AdminApiServerTest {
    @TempDir
    static Path dir;
    static TestBackend backend;
    static RunningGateway gateway;
    static String root;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        gateway = RunningGateway.start(dir, """
                users:
                  - { username: root, password: r00t, roles: [admin] }
                  - { username: bob, password: b0b }
                rate-limits: { auth: { requests-per-second: 100, burst: 100 } }
                routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                """.formatted(backend.port()));
        root = gateway.login("root", "r00t");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void tokens_listsWhoHoldsWhat() throws Exception {
        String bob = gateway.login("bob", "b0b");
        assertThat(gateway.get("/api/x", bob).statusCode()).isEqualTo(200);
        backend.next();

        HttpResponse<String> answer = gateway.get("/admin/tokens?user=bob", root);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(answer.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode tokens = RunningGateway.json(answer).get("tokens");
        assertThat(tokens).isNotEmpty().allSatisfy(token -> assertThat(token.get("user").asText()).isEqualTo("bob"));
        assertThat(tokens).anySatisfy(token -> assertThat(token.get("uses").asLong()).isEqualTo(1));
        assertThat(answer.body()).doesNotContain(bob);
    }

    @Test
    void users_addedChangedAndRemoved_throughTheStore() throws Exception {
        HttpResponse<String> created = send("PUT", "/admin/users/carol", root,
                "{\"password\":\"c4rol-pass\",\"roles\":[\"dev\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String carol = gateway.login("carol", "c4rol-pass");
        assertThat(gateway.get("/api/x", carol).statusCode()).isEqualTo(200);
        backend.next();

        JsonNode users = RunningGateway.json(gateway.get("/admin/users", root)).get("users");
        assertThat(users).extracting(u -> u.get("username").asText()).contains("bob", "carol", "root");
        assertThat(gateway.get("/admin/users", root).body()).doesNotContain("argon2");

        HttpResponse<String> removed = send("DELETE", "/admin/users/carol", root, null);
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(gateway.get("/api/x", carol).statusCode()).as("carol's token was revoked").isEqualTo(401);
        assertThat(gateway.postJson("/auth", "{\"username\":\"carol\",\"password\":\"c4rol-pass\"}", null)
                .statusCode()).isEqualTo(401);
        assertThat(gateway.get("/admin/users/carol", root).statusCode()).isEqualTo(404);
    }

    @Test
    void refusals_areJsonWithTheirStatus() throws Exception {
        String bob = gateway.login("bob", "b0b");
        assertThat(error(gateway.get("/admin/users", null), 401)).isEqualTo("missing_token");
        assertThat(error(gateway.get("/admin/users", bob), 403)).isEqualTo("forbidden");
        assertThat(error(send("POST", "/admin/users", root, "{}"), 405)).isEqualTo("method_not_allowed");
        assertThat(error(send("PUT", "/admin/users/dave", root, "{\"roles\":[\"x\"]}"), 400))
                .isEqualTo("invalid_request");
        assertThat(error(send("PUT", "/admin/users/bob", root, "{\"roles\":[]}"), 409)).isEqualTo("managed_by_config");
        assertThat(error(gateway.get("/admin/users/nobody", root), 404)).isEqualTo("no_such_user");
    }

    private static String error(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return RunningGateway.json(response).get("error").asText();
    }

    private static HttpResponse<String> send(String method, String path, String token, String json)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return gateway.send(request.build());
    }
}
