package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve}, and the jar's old form without a command ({@code --config FILE}), which means serve. */
class CliServeTest {
    @TempDir
    Path dir;

    @Test
    void noCommand_orServe_orTheEnvironment_startTheGateway() throws Exception {
        Path config = RunningGateway.configFile(dir, "store: { type: memory }\n");

        for (Cli.Run run : new Cli.Run[] {
            Cli.run("", "--config", config.toString()),
            Cli.run("", "serve", "--config", config.toString()),
            Cli.run(Clock.systemUTC(), Map.of("PORTCULLIS_CONFIG", config.toString()), "")}) {
            assertThat(run.code()).isZero();
            PortcullisServer server = run.cli().server().orElseThrow();
            try {
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/observe/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
            } finally {
                server.close();
            }
        }
    }

    @Test
    void badArgumentsOrConfig_exit2_withoutStarting() {
        Path broken = RunningGateway.configFile(dir, "routes: [ { prefix: /api } ]\n");

        Cli.Run none = Cli.run("");
        Cli.Run both = Cli.run("", "--config", "a.yaml", "--proxyauth-config", "c.json");
        Cli.Run invalid = Cli.run("", "--config", broken.toString());

        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no configuration: give --config FILE or set PORTCULLIS_CONFIG");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("give --proxyauth-config and --proxyauth-routes together");
        assertThat(invalid.code()).isEqualTo(2);
        assertThat(invalid.err()).startsWith("portcullis: cannot start, invalid configuration:\n  - routes.0.target");
        assertThat(none.cli().server()).isEmpty();
        assertThat(invalid.cli().server()).isEmpty();
    }

    @Test
    void help_listsTheCommandsAndExitCodes() {
        Cli.Run help = Cli.run("", "--help");

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("serve", "hash-password", "users", "token", "config",
                "Exit codes: 0 done, 1 failed or refused, 2 wrong arguments");
    }
}
