package io.portcullis.core;

import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.port.UserRegistry;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes the users listed in the config into a persistent user registry at startup and at each reload: the config
 * is the source of truth for the users it lists; users added otherwise (CLI, admin API) are left alone. When a
 * listed user's password hash changed or a role was taken away ({@link User#invalidatesTokensOf}), every token
 * issued to them before now is revoked: a password change logs the user out everywhere. A second factor the user
 * enrolled themselves is kept unless the config provisions one ({@code totp-secret}).
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
            if (stored.isPresent() && user.invalidatesTokensOf(stored.get())) {
                revocations.revokeIssuedUpTo(user.username(), clock.instant());
            }
        }
    }

    /**
     * A reload: seeds {@code configured}, and removes the users {@code previouslyListed} names that the config no
     * longer lists (the config owned them), revoking their tokens first.
     */
    public static void reseed(Collection<String> previouslyListed, List<User> configured, UserRegistry registry,
            RevocationStore revocations, Clock clock) {
        seed(configured, registry, revocations, clock);
        Set<String> listed = configured.stream().map(User::username).collect(Collectors.toSet());
        for (String name : previouslyListed) {
            if (!listed.contains(name) && registry.findUser(name).isPresent()) {
                revocations.revokeIssuedUpTo(name, clock.instant());
                registry.removeUser(name);
            }
        }
    }
}
