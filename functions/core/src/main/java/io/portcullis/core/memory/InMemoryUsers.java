package io.portcullis.core.memory;

import io.portcullis.core.User;
import io.portcullis.core.port.UserRegistry;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Users held in memory, loaded from the config file; changes last until the process ends. */
public final class InMemoryUsers implements UserRegistry {
    private final ConcurrentHashMap<String, User> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> lastTotpSteps = new ConcurrentHashMap<>();

    public InMemoryUsers(Collection<User> initial) {
        initial.forEach(this::saveUser);
    }

    @Override
    public Optional<User> findUser(String username) {
        return Optional.ofNullable(users.get(username));
    }

    @Override
    public void saveUser(User user) {
        users.put(user.username(), user);
    }

    @Override
    public boolean removeUser(String username) {
        lastTotpSteps.remove(username);
        return users.remove(username) != null;
    }

    @Override
    public List<User> listUsers() {
        return users.values().stream().sorted(Comparator.comparing(User::username)).toList();
    }

    @Override
    public boolean startTotpEnrolment(String username, Optional<String> confirmed, String pending) {
        boolean[] started = {false};
        users.computeIfPresent(username, (name, user) -> {
            started[0] = user.totp().confirmed().equals(confirmed);
            return started[0] ? user.withTotp(user.totp().withPending(pending)) : user;
        });
        return started[0];
    }

    @Override
    public boolean confirmTotpEnrolment(String username, String pending) {
        boolean[] confirmed = {false};
        users.computeIfPresent(username, (name, user) -> {
            confirmed[0] = user.totp().pending().equals(Optional.of(pending));
            return confirmed[0] ? user.withTotp(user.totp().confirmPending()) : user;
        });
        return confirmed[0];
    }

    @Override
    public boolean useTotpStep(String username, long step) {
        if (!users.containsKey(username)) {
            return false;
        }
        boolean[] advanced = {false};
        lastTotpSteps.compute(username, (name, last) -> {
            advanced[0] = last == null || last < step;
            return advanced[0] ? step : last;
        });
        return advanced[0];
    }
}
