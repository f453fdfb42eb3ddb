package io.portcullis.core.config;

import io.portcullis.core.User;
import io.portcullis.core.config.GatewayConfig.UserEntry;
import io.portcullis.core.password.Passwords;
import io.portcullis.core.port.UserDirectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hashes the plaintext passwords of configured users, at first start as ProxyAuth does; {@link ConfigRewrite}
 * writes the hashes back into the file. A plaintext password which the hash the user has in the store already
 * verifies keeps that hash rather than a new one with a fresh salt: reading the same plaintext again (a restart, a
 * reload, an environment variable's password) is no password change, which would revoke the user's tokens. Costs
 * one Argon2 verification per such user.
 */
public final class PlaintextPasswords {
    /**
     * @param users every configured user, with a hash
     * @param hashes the hash of each user whose password was plaintext, by username
     */
    public record Hashed(List<User> users, Map<String, String> hashes) {
        public Hashed {
            users = List.copyOf(users);
            hashes = Map.copyOf(hashes);
        }
    }

    private PlaintextPasswords() {
    }

    /** The configured users with every password hashed, those hashed here by {@code passwords}. */
    public static Hashed hash(List<UserEntry> entries, Passwords passwords, UserDirectory stored) {
        Map<String, String> hashes = new LinkedHashMap<>();
        List<User> users = new ArrayList<>();
        for (UserEntry entry : entries) {
            String hash = entry.password();
            if (!entry.hashed()) {
                Optional<String> known = stored.findUser(entry.username()).map(User::passwordHash)
                        .filter(existing -> passwords.verify(existing, entry.password().toCharArray()));
                hash = known.orElseGet(() -> passwords.hash(entry.password().toCharArray()));
                hashes.put(entry.username(), hash);
            }
            users.add(entry.toUser(hash));
        }
        return new Hashed(users, hashes);
    }
}
