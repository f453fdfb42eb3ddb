package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket tunnel or a streamed answer stays open only while the token that opened it holds: revoking the token
 * ends it within the revocation bound, and so does the token's expiry; and one user holds a bounded number of
 * tunnels at once.
 */
class LongLivedExchangesTest {
    @TempDir
    Path dir;
    WebSocketEchoBackend echo;
    TestBackend events;
    RunningGateway gateway;

    @BeforeEach
    void backends() throws Exception {
        echo = new WebSocketEchoBackend();
        events = new TestBackend();
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        echo.close();
        events.secondEvent.countDown();
        events.close();
    }

    /** A gateway whose stop does not wait long for the tunnels left open. */
    private void start(Map<String, String> settings) {
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.put("SERVER_SHUTDOWN_dash_GRACE_dash_PERIOD", "200ms");
        gateway = RunningGateway.startFrom(RunningGateway.configFile(dir, """
                store: { type: memory }
                users: [ { username: alice, password: wonderland } ]
                rate-limits: { proxy: { requests-per-second: 0 }, auth: { requests-per-second: 0 } }
                routes:
                  - { prefix: /ws, target: "http://127.0.0.1:%d/socket" }
                  - { prefix: /sse, target: "http://127.0.0.1:%d" }
                """.formatted(echo.port(), events.port())), env);
    }

    @Test
    void revokingTheToken_endsItsOpenTunnel_andItsStream() throws Exception {
        start(Map.of());
        String token = gateway.login("alice", "wonderland");
        CompletableFuture<String> tunnelEnded = new CompletableFuture<>();
        tunnel(token, tunnelEnded);
        CompletableFuture<Void> streamEnded = stream(token);
        assertThat(tunnelEnded).isNotDone();

        HttpResponse<String> revoked = gateway.send(HttpRequest.newBuilder(gateway.uri("/auth/revoke"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(revoked.statusCode()).isEqualTo(204);

        // Within the revocation bound (1 s) and the server's check interval, far below the stream's 10 s.
        assertThat(tunnelEnded.get(5, TimeUnit.SECONDS)).isNotEmpty();
        streamEnded.get(5, TimeUnit.SECONDS);
    }

    @Test
    void loggingOut_endsTheOpenTunnel() throws Exception {
        start(Map.of());
        String token = gateway.login("alice", "wonderland");
        CompletableFuture<String> tunnelEnded = new CompletableFuture<>();
        tunnel(token, tunnelEnded);
        assertThat(tunnelEnded).isNotDone();

        HttpResponse<String> loggedOut = gateway.send(HttpRequest.newBuilder(gateway.uri("/logout"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(loggedOut.statusCode()).isEqualTo(204);

        assertThat(tunnelEnded.get(5, TimeUnit.SECONDS)).isNotEmpty();
    }

    @Test
    void theTokensExpiry_endsItsOpenTunnel() throws Exception {
        start(Map.of("TOKENS_TTL_dash_SECONDS", "2"));
        String token = gateway.login("alice", "wonderland");
        CompletableFuture<String> tunnelEnded = new CompletableFuture<>();
        tunnel(token, tunnelEnded);
        assertThat(tunnelEnded).isNotDone();

        assertThat(tunnelEnded.get(6, TimeUnit.SECONDS)).isNotEmpty();
    }

    @Test
    void oneUser_holdsAtMostTheConfiguredNumberOfTunnels() throws Exception {
        start(Map.of("SERVER_MAX_dash_TUNNELS_dash_PER_dash_USER", "2"));
        String token = gateway.login("alice", "wonderland");
        WebSocket first = tunnel(token, new CompletableFuture<>());
        tunnel(token, new CompletableFuture<>());

        CompletableFuture<WebSocket> third = open(token, new CompletableFuture<>());
        assertThat(third).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(429));

        first.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        WebSocket again = null;
        for (int attempt = 0; attempt < 50 && again == null; attempt++) {
            try {
                again = open(token, new CompletableFuture<>()).join();
            } catch (CompletionException stillAtTheLimit) {
                Thread.sleep(100);
            }
        }
        assertThat(again).as("a tunnel may open once another closed").isNotNull();
    }

    /** Opens a tunnel and checks it echoes; {@code ended} completes with how it ended. */
    private WebSocket tunnel(String token, CompletableFuture<String> ended) throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        WebSocket socket = open(token, ended, echoed).get(10, TimeUnit.SECONDS);
        socket.sendText("ping", true).get(5, TimeUnit.SECONDS);
        assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("echo: ping");
        return socket;
    }

    private CompletableFuture<WebSocket> open(String token, CompletableFuture<String> ended) {
        return open(token, ended, new CompletableFuture<>());
    }

    private CompletableFuture<WebSocket> open(String token, CompletableFuture<String> ended,
            CompletableFuture<String> echoed) {
        return gateway.client.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.server.port() + "/ws/room"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                echoed.complete(data.toString());
                                ws.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                                ended.complete("closed " + status);
                                return null;
                            }

                            @Override
                            public void onError(WebSocket ws, Throwable error) {
                                ended.complete("broken: " + error);
                            }
                        });
    }

    /** Opens the event stream (its second event is held back) and reads it; completes when the stream ends. */
    private CompletableFuture<Void> stream(String token) throws Exception {
        HttpResponse<InputStream> response = gateway.client.send(HttpRequest.newBuilder(gateway.uri("/sse/events"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return CompletableFuture.runAsync(() -> {
            try (InputStream in = response.body()) {
                while (in.read() >= 0) {
                    // the first event, then nothing until the stream ends
                }
            } catch (IOException broken) {
                // ended by the gateway
            }
        });
    }
}
