package io.portcullis.core.memory;

import io.portcullis.core.port.SessionCredentialStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Session credentials in memory, for tests and single-process use; expired entries are never returned. */
public final class InMemorySessions implements SessionCredentialStore {
    private record Entry(String credentials, Optional<Instant> expiresAt) {
    }

    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();

    public InMemorySessions(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<String> credentials(String sessionId) {
        Entry entry = sessions.get(sessionId);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.expiresAt().filter(expiry -> !clock.instant().isBefore(expiry)).isPresent()) {
            sessions.remove(sessionId, entry);
            return Optional.empty();
        }
        return Optional.of(entry.credentials());
    }

    @Override
    public void save(String sessionId, String credentials, Optional<Instant> expiresAt) {
        sessions.put(sessionId, new Entry(credentials, expiresAt));
    }

    @Override
    public boolean remove(String sessionId) {
        return sessions.remove(sessionId) != null;
    }
}
