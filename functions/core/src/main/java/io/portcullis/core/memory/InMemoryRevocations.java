package io.portcullis.core.memory;

import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revocations in memory, for tests and single-process use. Token entries are dropped once the token has expired:
 * an expired token is rejected for its expiry anyway, so memory stays bounded by the tokens alive.
 */
public final class InMemoryRevocations implements RevocationStore {
    private static final int PURGE_THRESHOLD = 1024;

    private final Clock clock;
    private final ConcurrentHashMap<TokenId, Instant> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> cutoffs = new ConcurrentHashMap<>();

    public InMemoryRevocations(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void revokeToken(TokenId tokenId, Instant expiresAt) {
        tokens.merge(tokenId, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
        if (tokens.size() > PURGE_THRESHOLD) {
            Instant now = clock.instant();
            tokens.values().removeIf(expiry -> !expiry.isAfter(now));
        }
    }

    @Override
    public void revokeIssuedUpTo(String subject, Instant cutoff) {
        cutoffs.merge(subject, cutoff, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public boolean isRevoked(Claims claims) {
        if (tokens.containsKey(claims.tokenId())) {
            return true;
        }
        Instant cutoff = cutoffs.get(claims.subject());
        return cutoff != null && !claims.issuedAt().isAfter(cutoff);
    }
}
