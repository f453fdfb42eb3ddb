package io.portcullis.core;

import io.portcullis.core.net.Cidr;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A user who may log in.
 *
 * @param username the login name
 * @param passwordHash the Argon2 hash in PHC string form ({@code $argon2id$v=19$m=…})
 * @param roles the roles a token for this user carries
 * @param allow the client address blocks the user may log in from; empty means anywhere
 */
public record User(String username, String passwordHash, List<String> roles, List<Cidr> allow) {
    public User {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(passwordHash, "passwordHash");
        roles = List.copyOf(roles);
        allow = List.copyOf(allow);
    }

    public boolean mayLogInFrom(InetAddress client) {
        return allow.isEmpty() || allow.stream().anyMatch(block -> block.contains(client));
    }

    @Override
    public String toString() {
        return "User[" + username + ", roles=" + roles + ", allow=" + allow + "]";
    }
}
