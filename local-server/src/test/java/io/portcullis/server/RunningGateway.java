package io.portcullis.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.core.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The server started in-process on port 0 from a config snippet, with an HTTP client pointed at it. */
final class RunningGateway implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final PortcullisServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningGateway(PortcullisServer server) {
        this.server = server;
    }

    /** {@code yaml} is added to a base with one key, fast Argon2 and {@code server.port: 0}. */
    static RunningGateway start(Path dir, String yaml) {
        return startFrom(configFile(dir, yaml));
    }

    /** Writes the config file {@link #start} would use, without starting. */
    static Path configFile(Path dir, String yaml) {
        return Fixtures.write(dir, "portcullis.yaml",
                Fixtures.baseYaml() + "server: { host: 127.0.0.1, port: 0 }\n" + yaml);
    }

    static RunningGateway startFrom(Path configFile) {
        return startFrom(configFile, Map.of());
    }

    static RunningGateway startFrom(Path configFile, Map<String, String> env) {
        return new RunningGateway(PortcullisServer.start(configFile, env));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    HttpResponse<String> postJson(String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    /** Logs in and returns the token; fails the test unless the login answers 200. */
    String login(String username, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = postJson("/auth",
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}", null);
        if (response.statusCode() != 200) {
            throw new AssertionError("login failed: " + response.statusCode() + " " + response.body());
        }
        return json(response).get("token").asText();
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        server.close();
    }
}
