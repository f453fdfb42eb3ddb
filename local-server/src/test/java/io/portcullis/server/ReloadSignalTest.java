package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -HUP} reloads a server started by {@code Main}, and does not stop it (the JVM's default for SIGHUP).
 * The server runs in a child JVM: a signal is sent to a process, and this one's must not be the test's.
 */
class ReloadSignalTest {
    @TempDir
    Path dir;

    @Test
    void sighup_reloadsTheConfiguration_andTheServerKeepsServing() throws Exception {
        try (TestBackend backend = new TestBackend()) {
            Path config = Fixtures.write(dir, "portcullis.yaml", Fixtures.baseYaml() + """
                    server: { host: 127.0.0.1, port: 0 }
                    store: { type: memory }
                    routes: [ { prefix: /a, target: "http://127.0.0.1:%d", secure: false } ]
                    """.formatted(backend.port()));
            try (ServerProcess server = ServerProcess.start(config, "-Xmx64m", 0)) {
                String handler = server.awaitLog(Pattern.compile(
                        "SIGHUP reloads the configuration|SIGHUP is ignored in this process")).group();
                Assumptions.assumeTrue(handler.startsWith("SIGHUP reloads"), "this test runs with SIGHUP ignored "
                        + "(e.g. under nohup), which the child inherits and the JVM keeps: nothing to test here");

                new ProcessBuilder("kill", "-HUP", Long.toString(server.process.pid())).inheritIO().start().waitFor();

                server.awaitLog(Pattern.compile("configuration reloaded \\(SIGHUP\\)"));
                assertThat(server.process.isAlive()).isTrue();
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port + "/a/x")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            }
        }
    }
}
