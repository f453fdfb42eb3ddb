package io.portcullis.server.cli;

import io.portcullis.core.User;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.password.Argon2Params;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Users in the store a config names. The config's own users are refused here: the server writes them into the
 * store at every start, which would undo the change; they are changed in the file instead. A new password,
 * new roles or a removal revoke every token the user holds, so the change takes effect at once rather than when
 * tokens expire.
 */
final class StoreUserTarget implements UserTarget {
    private final Path configFile;
    private final GatewayConfig config;
    private final ConfiguredStore store;
    private final Clock clock;

    private StoreUserTarget(Path configFile, GatewayConfig config, ConfiguredStore store, Clock clock) {
        this.configFile = configFile;
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    static StoreUserTarget open(Path configFile, GatewayConfig config, Clock clock) {
        return new StoreUserTarget(configFile, config, ConfiguredStore.open(config, clock), clock);
    }

    @Override
    public Argon2Params argon2() {
        return config.passwords().argon2();
    }

    @Override
    public void requireAbsent(String username) {
        refuseConfigured(username);
        if (store.users().findUser(username).isPresent()) {
            throw new CommandFailure("user '" + username + "' is already in " + description());
        }
    }

    @Override
    public void requirePresent(String username) {
        refuseConfigured(username);
        if (store.users().findUser(username).isEmpty()) {
            throw new CommandFailure("no user '" + username + "' in " + description());
        }
    }

    private void refuseConfigured(String username) {
        if (config.users().stream().anyMatch(user -> user.username().equals(username))) {
            throw new CommandFailure("user '" + username + "' is listed in " + config.usersFile().orElse(configFile)
                    + ", which the server writes into the store at every start: change it there, with --file "
                    + config.usersFile().orElse(configFile));
        }
    }

    @Override
    public void add(String username, String passwordHash, List<String> roles) {
        store.users().saveUser(new User(username, passwordHash, roles, List.of()));
    }

    @Override
    public void setPassword(String username, String passwordHash) {
        change(username, user -> new User(username, passwordHash, user.roles(), user.allow(), user.totp()));
    }

    @Override
    public void setRoles(String username, List<String> roles) {
        change(username, user -> new User(username, user.passwordHash(), roles, user.allow(), user.totp()));
    }

    @Override
    public void remove(String username) {
        store.users().removeUser(username);
        store.revocations().revokeIssuedUpTo(username, clock.instant());
    }

    private void change(String username, UnaryOperator<User> change) {
        User user = store.users().findUser(username)
                .orElseThrow(() -> new CommandFailure("no user '" + username + "' in " + description()));
        store.users().saveUser(change.apply(user));
        store.revocations().revokeIssuedUpTo(username, clock.instant());
    }

    @Override
    public String description() {
        return store.description();
    }

    @Override
    public void close() {
        store.close();
    }
}
