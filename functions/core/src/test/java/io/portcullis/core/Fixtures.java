package io.portcullis.core;

import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test data with realistic defaults, shared by every module's tests (published in the test-jar). */
public final class Fixtures {
    /** A secret strong enough for {@code TokenKey.derive}: 32 random bytes, base64. */
    public static final String SECRET = "q3Zt8V1mC0pLx9RkYw2HfN6sJd4GbUe7TaoPiQzXcr0=";
    public static final String OTHER_SECRET = "Hn4kLp0Zx7QwVb2RtYs9MdJf6GcUe3AiKoP8Wl1Nq5I=";
    /** Cheap Argon2 parameters so tests do not spend seconds hashing. */
    public static final String FAST_ARGON2 = "passwords: { argon2: { memory-kib: 64, iterations: 1, parallelism: 1 }, threads: 2 }\n";

    private Fixtures() {
    }

    /**
     * A minimal valid config (one key, fast Argon2) followed by {@code yaml}, written to a file in {@code dir} and
     * loaded as the server would.
     */
    public static GatewayConfig config(Path dir, String yaml) {
        return ConfigLoader.load(write(dir, "portcullis.yaml", baseYaml() + yaml), Map.of());
    }

    public static String baseYaml() {
        return baseYaml("ttl-seconds: 3600");
    }

    /** The minimal config with these {@code tokens} settings ({@code ttl-seconds: 900, refresh-ttl: 8h}) and key. */
    public static String baseYaml(String tokenSettings) {
        return "tokens: { " + tokenSettings + ", keys: [ { id: k1, secret: \"" + SECRET + "\" } ] }\n" + FAST_ARGON2;
    }

    public static Path write(Path dir, String name, String content) {
        try {
            Path file = Files.createDirectories(dir).resolve(name);
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InetAddress address(String literal) {
        return io.portcullis.core.net.IpLiteral.parse(literal).orElseThrow();
    }

    public static GatewayRequest get(String path, MapHeaders headers) {
        return request("GET", path, headers, "");
    }

    public static GatewayRequest request(String method, String path, MapHeaders headers, String body) {
        return request(method, path, headers, body, "198.51.100.7");
    }

    public static GatewayRequest request(String method, String path, MapHeaders headers, String body, String peer) {
        int q = path.indexOf('?');
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new GatewayRequest(method, q < 0 ? path : path.substring(0, q), q < 0 ? "" : path.substring(q + 1),
                headers, address(peer), false, () -> new ByteArrayInputStream(bytes));
    }

    public static GatewayRequest login(String username, String password) {
        return request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }
}
