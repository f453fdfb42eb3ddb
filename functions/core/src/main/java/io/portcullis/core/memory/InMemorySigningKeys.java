package io.portcullis.core.memory;

import io.portcullis.core.port.SigningKeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Generated signing keys in memory (tests, single-process use): a restart generates new ones. */
public final class InMemorySigningKeys implements SigningKeyStore {
    private final ConcurrentHashMap<String, StoredKey> keys = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemorySigningKeys(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<StoredKey> keys() {
        Instant now = clock.instant();
        keys.values().removeIf(key -> !key.expiresAt().isAfter(now));
        return keys.values().stream().sorted(Comparator.comparing(StoredKey::createdAt)
                .thenComparing(StoredKey::keyId)).toList();
    }

    @Override
    public boolean add(StoredKey key) {
        return keys.putIfAbsent(key.keyId(), key) == null;
    }
}
