package io.portcullis.core.memory;

import io.portcullis.core.port.RefreshTokenStore;
import io.portcullis.core.token.RefreshFamily;
import io.portcullis.core.token.TokenId;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refresh-token families in memory (tests, single-process use). A rotation is one atomic {@code compute} on the
 * family's entry. Families past their absolute end are dropped as new ones arrive: nothing of them is spendable.
 */
public final class InMemoryRefreshTokens implements RefreshTokenStore {
    private static final int PURGE_THRESHOLD = 1024;

    private final ConcurrentHashMap<TokenId, RefreshFamily> families = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryRefreshTokens(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void start(RefreshFamily family) {
        if (families.size() >= PURGE_THRESHOLD) {
            Instant now = clock.instant();
            families.values().removeIf(f -> !f.endsAt().isAfter(now));
        }
        families.put(family.id(), family);
    }

    @Override
    public Rotation rotate(TokenId family, String presentedHash, String nextHash, Instant nextExpiresAt, Instant now) {
        RefreshFamily[] before = new RefreshFamily[1];
        RefreshFamily after = families.computeIfPresent(family, (id, stored) -> {
            if (!stored.spendable(presentedHash, now)) {
                return stored;
            }
            before[0] = stored;
            return stored.rotated(nextHash, nextExpiresAt, now);
        });
        return before[0] != null ? new Rotated(before[0]) : new Refused(Optional.ofNullable(after));
    }

    @Override
    public void end(TokenId family, Instant now) {
        families.computeIfPresent(family, (id, stored) -> stored.ended(now));
    }
}
