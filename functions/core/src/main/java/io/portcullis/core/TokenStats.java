package io.portcullis.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Uses per token, for ProxyAuth's {@code GET /adm/stats}: how often each live token was presented, first use and
 * expiry. Bounded (ProxyAuth's map grows forever): expired tokens are dropped, and beyond {@value #MAX_TOKENS} live
 * tokens new ones are not counted.
 */
public final class TokenStats {
    static final int MAX_TOKENS = 100_000;

    private record Entry(String user, Instant firstUse, Instant expiresAt, AtomicLong count) {
    }

    private final Map<TokenId, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    public TokenStats(Clock clock) {
        this.clock = clock;
    }

    void record(Claims claims) {
        Entry entry = entries.get(claims.tokenId());
        if (entry == null) {
            if (entries.size() >= MAX_TOKENS) {
                Instant now = clock.instant();
                entries.values().removeIf(e -> !e.expiresAt().isAfter(now));
                if (entries.size() >= MAX_TOKENS) {
                    return;
                }
            }
            entry = entries.computeIfAbsent(claims.tokenId(), id -> new Entry(claims.subject(), clock.instant(),
                    claims.expiresAt(), new AtomicLong()));
        }
        entry.count().incrementAndGet();
    }

    /** {@code [{user, tokens: [{token_id, count, delivery_at, expire_at}]}]}, users and tokens in order. */
    ArrayNode toJson(Function<Instant, String> dates) {
        Instant now = clock.instant();
        entries.values().removeIf(e -> !e.expiresAt().isAfter(now));
        Map<String, ArrayNode> byUser = new TreeMap<>();
        Map<TokenId, Entry> sorted = new TreeMap<>(java.util.Comparator.comparing(TokenId::value));
        sorted.putAll(entries);
        sorted.forEach((id, e) -> byUser.computeIfAbsent(e.user(),
                u -> Json.object().arrayNode()).add(Json.object()
                        .put("token_id", id.value())
                        .put("count", e.count().get())
                        .put("delivery_at", dates.apply(e.firstUse()))
                        .put("expire_at", dates.apply(e.expiresAt()))));
        ArrayNode users = Json.object().arrayNode();
        byUser.forEach((user, tokens) -> {
            ObjectNode node = users.addObject().put("user", user);
            node.set("tokens", tokens);
        });
        return users;
    }
}
