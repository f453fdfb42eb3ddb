package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Fixtures;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies stream through the gateway: the server runs in its own JVM with a 64 MiB heap and carries 100 MiB up
 * and 100 MiB down. Buffering either body whole would exhaust that heap.
 */
class StreamingTest {
    private static final long SIZE = 100L * 1024 * 1024;
    private static final String HEAP = "-Xmx64m";

    @TempDir
    static Path dir;
    static TestBackend backend;
    static ServerProcess server;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        Path config = Fixtures.write(dir, "portcullis.yaml", Fixtures.baseYaml() + """
                server: { host: 127.0.0.1, port: 0 }
                users: [ { username: alice, password: wonderland } ]
                routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                """.formatted(backend.port()));
        server = ServerProcess.start(config, HEAP, 0);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        backend.close();
    }

    @Test
    void upload_of100MiB_reachesTheBackendIntact() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri("/api/upload"))
                .header("Authorization", "Bearer " + token())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> TestBackend.Bytes.stream(SIZE)), SIZE))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        TestBackend.Received received = backend.next();
        assertThat(received.bodyBytes()).isEqualTo(SIZE);
        assertThat(received.bodySha256()).isEqualTo(TestBackend.Bytes.sha256(SIZE));
        assertThat(server.process.isAlive()).isTrue();
    }

    @Test
    void download_of100MiB_reachesTheClientIntact() throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(uri("/api/bytes/" + SIZE))
                .header("Authorization", "Bearer " + token()).build(), HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).contains(Long.toString(SIZE));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
                bytes += n;
            }
        }
        backend.next();
        assertThat(bytes).isEqualTo(SIZE);
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(TestBackend.Bytes.sha256(SIZE));
        assertThat(server.process.isAlive()).isTrue();
    }

    private static String token() throws Exception {
        HttpResponse<String> login = CLIENT.send(HttpRequest.newBuilder(uri("/auth"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"wonderland\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        return RunningGateway.json(login).get("token").asText();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port + path);
    }
}
