package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weighted backends with a standby over three real backend servers: the split follows the weights, the standby
 * only serves when every active backend is down, failover is for gateway failures of idempotent requests only.
 */
class FailoverTest {
    @TempDir
    Path dir;
    TestBackend heavy;
    TestBackend light;
    TestBackend standby;
    RunningGateway gateway;
    String token;

    @BeforeEach
    void start() throws Exception {
        heavy = new TestBackend();
        light = new TestBackend();
        standby = new TestBackend();
        gateway = RunningGateway.start(dir, """
                store: { type: memory }
                users: [ { username: alice, password: wonderland } ]
                rate-limits: { proxy: { requests-per-second: 0 }, auth: { requests-per-second: 0 } }
                routes:
                  - prefix: /app
                    backends:
                      - { url: "http://127.0.0.1:%d", weight: 3 }
                      - { url: "http://127.0.0.1:%d", weight: 1 }
                      - { url: "http://127.0.0.1:%d", standby: true }
                """.formatted(heavy.port(), light.port(), standby.port()));
        token = gateway.login("alice", "wonderland");
    }

    @AfterEach
    void stop() {
        gateway.close();
        heavy.close();
        light.close();
        standby.close();
    }

    @Test
    void requests_splitByWeight_standbyIdle() throws Exception {
        for (int i = 0; i < 80; i++) {
            assertThat(gateway.get("/app/x", token).statusCode()).isEqualTo(200);
        }
        assertThat(heavy.count()).isBetween(58, 62);
        assertThat(light.count()).isBetween(18, 22);
        assertThat(standby.count()).isZero();
    }

    @Test
    void standby_servesOnlyWhenEveryActiveBackendIsDown() throws Exception {
        heavy.close();
        assertThat(gateway.get("/app/x", token).body()).isEqualTo("hello from /x");
        assertThat(light.count()).isEqualTo(1);
        assertThat(standby.count()).isZero();

        light.close();
        for (int i = 0; i < 3; i++) {
            assertThat(gateway.get("/app/x", token).statusCode()).isEqualTo(200);
        }
        assertThat(standby.count()).isEqualTo(3);
    }

    @Test
    void gatewayErrors_failOverForGet_butAPostIsNeverReplayed() throws Exception {
        heavy.answerEverythingWith(503);
        light.answerEverythingWith(503);
        HttpResponse<String> get = gateway.get("/app/x", token);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(heavy.count() + light.count()).isEqualTo(2);
        assertThat(standby.count()).isEqualTo(1);

        heavy.answerEverythingWith(0);
        light.answerEverythingWith(0);
        standby.answerEverythingWith(503);
        drain();
        heavy.close();
        light.close();
        HttpResponse<String> post = gateway.postJson("/app/orders", "{\"n\":1}", token);
        assertThat(post.statusCode()).isIn(502, 503);
        assertThat(heavy.count() + light.count() + standby.count()).isLessThanOrEqualTo(1);
    }

    @Test
    void post_goesToOneBackendOnly_evenWhenItAnswers503() throws Exception {
        heavy.answerEverythingWith(503);
        light.answerEverythingWith(503);
        HttpResponse<String> post = gateway.send(HttpRequest.newBuilder(gateway.uri("/app/orders"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build());
        assertThat(post.statusCode()).isEqualTo(503);
        assertThat(post.body()).isEqualTo("forced 503");
        assertThat(heavy.count() + light.count() + standby.count()).isEqualTo(1);
    }

    @Test
    void applicationErrors_areAnswers_notFailures() throws Exception {
        heavy.answerEverythingWith(404);
        light.answerEverythingWith(404);
        HttpResponse<String> response = gateway.get("/app/missing", token);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("forced 404");
        assertThat(heavy.count() + light.count() + standby.count()).isEqualTo(1);
    }

    private void drain() throws InterruptedException {
        for (TestBackend backend : new TestBackend[] {heavy, light, standby}) {
            while (backend.count() > 0) {
                backend.next();
            }
        }
    }
}
