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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    static Path dir;
    static TestBackend backend;
    static Process server;
    static Path log;
    static int port;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        log = dir.resolve("server.log");
        Path config = Fixtures.write(dir, "portcullis.yaml", Fixtures.baseYaml() + """
                server: { host: 127.0.0.1, port: 0 }
                users: [ { username: alice, password: wonderland } ]
                routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                """.formatted(backend.port()));
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", HEAP, "-cp", classpath, Main.class.getName(),
                "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        port = awaitPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
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
        assertThat(server.isAlive()).isTrue();
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
        assertThat(server.isAlive()).isTrue();
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
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Waits for the child's "listening" log line; shows its output if it dies first. */
    private static int awaitPort() throws Exception {
        for (int i = 0; i < 300; i++) {
            String output = java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log) : "";
            Matcher matcher = LISTENING.matcher(output);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            if (!server.isAlive()) {
                throw new AssertionError("the server exited before listening:\n" + output);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not start within 30 s:\n" + java.nio.file.Files.readString(log));
    }
}
