package io.portcullis.core;

import io.portcullis.core.config.ConfigRewrite;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.password.Passwords;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A gateway on in-memory stores and a hand-moved clock, from a config snippet. */
final class GatewayFixture implements AutoCloseable {
    final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    final GatewayConfig config;
    final Gateway.Stores stores;
    final Gateway gateway;

    GatewayFixture(Path dir, String yaml) {
        this(dir, "ttl-seconds: 3600", yaml);
    }

    /** @param tokenSettings the {@code tokens} section's settings besides its key ({@code refresh-ttl: 8h}, …) */
    GatewayFixture(Path dir, String tokenSettings, String yaml) {
        config = io.portcullis.core.config.ConfigLoader.load(Fixtures.write(dir, "portcullis.yaml",
                Fixtures.baseYaml(tokenSettings) + yaml), java.util.Map.of());
        List<User> users = ConfigRewrite.ofYaml(dir.resolve("portcullis.yaml"), config)
                .apply(new Passwords(config.passwords().argon2()), username -> Optional.empty()).users();
        stores = Gateway.Stores.inMemory(users, clock);
        gateway = Gateway.create(config, stores, clock);
    }

    /** Logs in and returns the token, failing the test if the login fails. */
    String token(String username, String password) {
        return issued(Fixtures.login(username, password));
    }

    /** Logs in with a TOTP code and returns the token, failing the test if the login fails. */
    String token(String username, String password, String totpCode) {
        return issued(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\",\"totp_code\":\""
                        + totpCode + "\"}"));
    }

    private String issued(GatewayRequest login) {
        LoginResult result = gateway.issueToken().issue(login);
        if (!(result instanceof Issued issued)) {
            throw new AssertionError("login failed: " + result);
        }
        return issued.token();
    }

    static MapHeaders bearer(String token) {
        return MapHeaders.of("Authorization", "Bearer " + token);
    }

    @Override
    public void close() {
        gateway.close();
    }
}
