package io.portcullis.core;

import io.portcullis.core.net.Cidr;
import io.portcullis.core.totp.TotpSecrets;
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
 * @param totp the user's second factor: a confirmed secret makes a code part of every login
 */
public record User(String username, String passwordHash, List<String> roles, List<Cidr> allow, TotpSecrets totp) {
    public User {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(passwordHash, "passwordHash");
        roles = List.copyOf(roles);
        allow = List.copyOf(allow);
        Objects.requireNonNull(totp, "totp");
    }

    /** A user without a second factor. */
    public User(String username, String passwordHash, List<String> roles, List<Cidr> allow) {
        this(username, passwordHash, roles, allow, TotpSecrets.NONE);
    }

    public boolean mayLogInFrom(InetAddress client) {
        return allow.isEmpty() || allow.stream().anyMatch(block -> block.contains(client));
    }

    public User withTotp(TotpSecrets secrets) {
        return new User(username, passwordHash, roles, allow, secrets);
    }

    @Override
    public String toString() {
        return "User[" + username + ", roles=" + roles + ", allow=" + allow + ", " + totp + "]";
    }
}
