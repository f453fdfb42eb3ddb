package io.portcullis.core;

import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.port.UserRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Writes the users listed in the config into a persistent user registry at startup: the config is the source of
 * truth for the users it lists; users added otherwise (CLI, admin) are left alone. When a listed user's password
 * hash changed, every token issued to them before now is revoked: a password change logs the user out everywhere.
 * A second factor the user enrolled themselves is kept unless the config provisions one ({@code totp-secret}).
 */
public final class ConfiguredUsers {
    private ConfiguredUsers() {
    }

    public static void seed(List<User> configured, UserRegistry registry, RevocationStore revocations, Clock clock) {
        for (User listed : configured) {
            Optional<User> stored = registry.findUser(listed.username());
            User user = listed.totp().enrolled() || stored.isEmpty() ? listed : listed.withTotp(stored.get().totp());
            if (stored.isPresent() && stored.get().equals(user)) {
                continue;
            }
            registry.saveUser(user);
            if (stored.isPresent() && !stored.get().passwordHash().equals(user.passwordHash())) {
                revocations.revokeIssuedUpTo(user.username(), clock.instant());
            }
        }
    }
}
