package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Fixtures;
import io.portcullis.infra.http1.RawBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a flood of connections does to the server: a connection that never finishes its request head is closed;
 * beyond the connection limit a new one gets 503 and is closed; and a process out of descriptors keeps its
 * listener and serves again once they are free.
 */
class ConnectionLimitsTest {
    @TempDir
    Path dir;

    @Test
    void aConnectionThatDoesNotFinishItsHeadInTime_isClosed_butAKeptAliveOneMayIdle() throws Exception {
        try (RawBackend backend = RawBackend.ok();
                RunningGateway gateway = RunningGateway.startFrom(RunningGateway.configFile(dir, """
                        store: { type: memory }
                        routes: [ { prefix: /open, target: "http://127.0.0.1:%d", secure: false } ]
                        """.formatted(backend.port())), Map.of("SERVER_HEADER_dash_TIMEOUT", "1s"))) {
            int port = gateway.server.port();
            try (RawHttp.KeepAlive silent = new RawHttp.KeepAlive(port);
                    RawHttp.KeepAlive slow = new RawHttp.KeepAlive(port);
                    RawHttp.KeepAlive kept = new RawHttp.KeepAlive(port)) {
                slow.write("GET /open/x HTTP/1.1\r\nHost");
                assertThat(kept.send("GET /open/x HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);

                assertThat(silent.closedWithin(4)).as("sent nothing").isTrue();
                assertThat(slow.closedWithin(2)).as("sent half a head").isTrue();
                assertThat(kept.send("GET /open/y HTTP/1.1\r\nHost: gw").status())
                        .as("idle between requests for longer than the header timeout, within the idle timeout")
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void beyondTheConnectionLimit_aNewConnectionGets503AndIsClosed_untilOneIsFree() throws Exception {
        try (RawBackend backend = RawBackend.ok();
                RunningGateway gateway = RunningGateway.startFrom(RunningGateway.configFile(dir, """
                        store: { type: memory }
                        routes: [ { prefix: /open, target: "http://127.0.0.1:%d", secure: false } ]
                        """.formatted(backend.port())), Map.of("SERVER_MAX_dash_TCP_dash_CONNECTIONS", "2"))) {
            int port = gateway.server.port();
            try (RawHttp.KeepAlive first = new RawHttp.KeepAlive(port);
                    RawHttp.KeepAlive second = new RawHttp.KeepAlive(port)) {
                assertThat(first.send("GET /open/1 HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
                assertThat(second.send("GET /open/2 HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
                try (RawHttp.KeepAlive third = new RawHttp.KeepAlive(port)) {
                    RawHttp.Response refused = third.send("GET /open/3 HTTP/1.1\r\nHost: gw");
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.body()).contains("\"error\":\"overloaded\"");
                    assertThat(third.closedWithin(3)).isTrue();
                }
                first.close();
                RawHttp.Response served = null;
                for (int attempt = 0; attempt < 50 && (served == null || served.status() == 503); attempt++) {
                    try (RawHttp.KeepAlive again = new RawHttp.KeepAlive(port)) {
                        served = again.send("GET /open/4 HTTP/1.1\r\nHost: gw");
                    }
                    Thread.sleep(50);
                }
                assertThat(served.status()).as("served once a connection was free").isEqualTo(200);
            }
        }
    }

    /**
     * A process limited to 300 descriptors with a connection limit above that: 600 idle connections make
     * {@code accept} fail with "Too many open files". The listener backs off and keeps accepting, and once the
     * connections are gone the server answers again (Helidon's listener stopped for good here).
     */
    @Test
    void outOfDescriptors_theListenerSurvives_andServesAgainOnceTheyAreFree() throws Exception {
        Path config = Fixtures.write(dir, "portcullis.yaml", Fixtures.baseYaml() + """
                server: { host: 127.0.0.1, port: 0, max-tcp-connections: 5000, header-timeout: 60s }
                store: { type: memory }
                log: { type: disabled }
                """);
        try (ServerProcess server = ServerProcess.start(config, "-Xmx64m", 300)) {
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 600; i++) {
                    Socket socket = new Socket();
                    try {
                        socket.connect(new InetSocketAddress("127.0.0.1", server.port), 2000);
                        flood.add(socket);
                    } catch (IOException refusedOrQueued) {
                        socket.close();
                    }
                }
                server.awaitLog(Pattern.compile("accepting a connection failed \\(Too many open files\\)"));
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
            assertThat(server.process.isAlive()).isTrue();
            RawHttp.Response health = null;
            for (int attempt = 0; attempt < 100 && health == null; attempt++) {
                try {
                    health = RawHttp.send(server.port, "GET /observe/health/live HTTP/1.1\r\nHost: gw");
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertThat(health).as("answered after the descriptors were freed").isNotNull();
            assertThat(health.status()).isEqualTo(200);
        }
    }
}
