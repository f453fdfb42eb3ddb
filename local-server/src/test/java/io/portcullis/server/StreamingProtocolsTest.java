package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSocket upgrades and server-sent events through secure routes, end to end on real sockets. */
class StreamingProtocolsTest {
    @TempDir
    static Path dir;
    static WebSocketEchoBackend echo;
    static TestBackend events;
    static RunningGateway gateway;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        echo = new WebSocketEchoBackend();
        events = new TestBackend();
        gateway = RunningGateway.start(dir, """
                store: { type: memory }
                users: [ { username: alice, password: wonderland, roles: [chat] } ]
                rate-limits: { proxy: { requests-per-second: 0 }, auth: { requests-per-second: 0 } }
                routes:
                  - { prefix: /ws, target: "http://127.0.0.1:%d/socket", roles: [chat] }
                  - { prefix: /sse, target: "http://127.0.0.1:%d" }
                """.formatted(echo.port(), events.port()));
        alice = gateway.login("alice", "wonderland");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        echo.close();
        events.close();
    }

    @Test
    void webSocket_echoesThroughTheGateway_withTheCallersIdentity() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = gateway.client.newWebSocketBuilder()
                .header("Authorization", "Bearer " + alice)
                .header("X-User", "mallory")
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.server.port() + "/ws/room?id=7"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                received.add(data.toString());
                                ws.request(1);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
        socket.sendText("again", true).get(10, TimeUnit.SECONDS);

        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo: hello");
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo: again");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertThat(echo.handshakes).singleElement().satisfies(headers -> {
            assertThat(headers).containsEntry("x-user", "alice").containsEntry("x-user-roles", "chat")
                    .doesNotContainKey("authorization");
            assertThat(headers.get("upgrade")).isEqualToIgnoringCase("websocket");
        });
    }

    @Test
    void webSocket_withoutAToken_isRefusedWith401() {
        CompletableFuture<WebSocket> attempt = gateway.client.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.server.port() + "/ws/room"), new WebSocket.Listener() {
                });
        assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(401));
    }

    @Test
    void serverSentEvents_reachTheClientOneByOne_whileTheStreamIsOpen() throws Exception {
        HttpResponse<InputStream> response = gateway.client.send(HttpRequest.newBuilder(gateway.uri("/sse/events"))
                .header("Authorization", "Bearer " + alice).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // The backend holds the second event back until this line has arrived: buffering would deadlock here
            // until the backend gives up, and the first event would come with the second.
            assertThat(lines.readLine()).isEqualTo("data: one");
            assertThat(events.secondEvent.getCount()).isEqualTo(1);
            events.secondEvent.countDown();
            assertThat(lines.readLine()).isEmpty();
            assertThat(lines.readLine()).isEqualTo("data: two");
        }
    }
}
