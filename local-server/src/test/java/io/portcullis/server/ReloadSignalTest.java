package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -HUP} reloads a server started by {@code Main}, and does not stop it (the JVM's default for SIGHUP).
 * The server runs in a child JVM: a signal is sent to a process, and this one's must not be the test's.
 */
class ReloadSignalTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

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
            Path log = dir.resolve("server.log");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-cp", classpath, Main.class.getName(),
                    "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                int port = Integer.parseInt(awaitLog(server, log, LISTENING).group(1));
                String handler = awaitLog(server, log, Pattern.compile(
                        "SIGHUP reloads the configuration|SIGHUP is ignored in this process")).group();
                Assumptions.assumeTrue(handler.startsWith("SIGHUP reloads"), "this test runs with SIGHUP ignored "
                        + "(e.g. under nohup), which the child inherits and the JVM keeps: nothing to test here");

                new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).inheritIO().start().waitFor();

                awaitLog(server, log, Pattern.compile("configuration reloaded \\(SIGHUP\\)"));
                assertThat(server.isAlive()).isTrue();
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/a/x")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            } finally {
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Waits for a line of the child's log; shows the log if the child dies first. */
    private static Matcher awaitLog(Process server, Path log, Pattern line) throws Exception {
        for (int i = 0; i < 300; i++) {
            String output = Files.exists(log) ? Files.readString(log) : "";
            Matcher matcher = line.matcher(output);
            if (matcher.find()) {
                return matcher;
            }
            if (!server.isAlive()) {
                throw new AssertionError("the server exited (" + server.exitValue() + "):\n" + output);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + line + "' within 30 s:\n" + Files.readString(log));
    }
}
