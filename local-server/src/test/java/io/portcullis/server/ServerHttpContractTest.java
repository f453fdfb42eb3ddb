package io.portcullis.server;

import io.portcullis.core.Fixtures;
import io.portcullis.core.GatewayHttpContract;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;

/** The shared HTTP behaviour, over real sockets against the server. */
class ServerHttpContractTest extends GatewayHttpContract {
    @TempDir
    Path dir;

    @Override
    protected Transport start(String tokenSettings, String yaml) {
        RunningGateway gateway = RunningGateway.startFrom(Fixtures.write(dir, "portcullis.yaml",
                Fixtures.baseYaml(tokenSettings) + "server: { host: 127.0.0.1, port: 0 }\n" + yaml));
        return new Transport() {
            @Override
            public Answer send(String method, String path, Map<String, String> headers, String body) throws Exception {
                HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10))
                        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
                headers.forEach(request::header);
                HttpResponse<String> response = gateway.send(request.build());
                return new Answer(response.statusCode(), response.headers().map().entrySet().stream().collect(
                        Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), e -> String.join(", ", e.getValue()))),
                        response.body());
            }

            @Override
            public void close() {
                gateway.close();
            }
        };
    }
}
