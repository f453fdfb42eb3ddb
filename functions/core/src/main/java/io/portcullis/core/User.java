package io.portcullis.core;

import io.portcullis.core.net.Cidr;
import io.portcullis.core.totp.TotpSecrets;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

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
    /** A user name: 1 to 128 visible ASCII characters, since it travels to backends in a header. */
    public static final Pattern USERNAME = Pattern.compile("[\\x21-\\x7e]{1,128}");
    /** A role name: 1 to 64 of {@code A-Z a-z 0-9 . _ : -}. */
    public static final Pattern ROLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

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

    /**
     * Whether tokens issued to {@code before} must not outlive this change to the user: the password changed (a
     * password change logs the user out everywhere), or a role was taken away (tokens carry the roles they were
     * issued with). A role added or an address block changed takes effect at the next login without that.
     */
    public boolean invalidatesTokensOf(User before) {
        return !passwordHash.equals(before.passwordHash) || !roles.containsAll(before.roles);
    }

    public User withTotp(TotpSecrets secrets) {
        return new User(username, passwordHash, roles, allow, secrets);
    }

    @Override
    public String toString() {
        return "User[" + username + ", roles=" + roles + ", allow=" + allow + ", " + totp + "]";
    }
}
