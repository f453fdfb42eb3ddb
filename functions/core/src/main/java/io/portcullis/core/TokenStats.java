package io.portcullis.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The tokens this instance has issued or seen on a request, with their uses: {@code GET /admin/tokens} lists them,
 * and ProxyAuth's {@code GET /adm/stats} counts their uses. Bounded (ProxyAuth's map grows forever): expired tokens
 * are dropped, and beyond {@value #MAX_TOKENS} live tokens new ones are not tracked. One instance's view: tokens
 * that only other instances (or Lambda functions) issued and served are not here until they reach this one.
 *
 * <p>A use costs one map lookup and two atomic writes; the map is swept for expired tokens when it is full (at most
 * once a second, so tokens that cannot be tracked do not each pay for a sweep) and whenever it is listed.
 */
public final class TokenStats {
    static final int MAX_TOKENS = 100_000;
    private static final long SWEEP_INTERVAL_MILLIS = 1000;

    /** A token tracked here: what it says, how often it was presented, when first and last (0: not yet). */
    private static final class Entry {
        /** The latest of the token id's claims: a refresh mints tokens with the same id and a later expiry. */
        volatile Claims claims;
        final AtomicLong uses = new AtomicLong();
        final AtomicLong firstUseMillis = new AtomicLong();
        volatile long lastUseMillis;

        Entry(Claims claims) {
            this.claims = claims;
        }
    }

    /**
     * A live token as listed.
     *
     * @param uses how many requests this instance checked it on
     * @param lastUse the last of them; empty when the token was issued here and not used since
     */
    public record ActiveToken(Claims claims, long uses, Optional<Instant> lastUse) {
    }

    private final Map<TokenId, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepMillis = new AtomicLong();
    private final Clock clock;

    public TokenStats(Clock clock) {
        this.clock = clock;
    }

    /** A token this instance minted: listed from now on, with no use yet. */
    void issued(Claims claims) {
        entry(claims);
    }

    /** A request this instance checked the token of. */
    void record(Claims claims) {
        Entry entry = entry(claims);
        if (entry != null) {
            long now = clock.millis();
            entry.uses.incrementAndGet();
            entry.firstUseMillis.compareAndSet(0, now);
            entry.lastUseMillis = now;
        }
    }

    private Entry entry(Claims claims) {
        Entry entry = entries.get(claims.tokenId());
        if (entry != null) {
            if (entry.claims.expiresAt().isBefore(claims.expiresAt())) {
                entry.claims = claims;
            }
            return entry;
        }
        if (entries.size() >= MAX_TOKENS && !sweptRoom()) {
            return null;
        }
        return entries.computeIfAbsent(claims.tokenId(), id -> new Entry(claims));
    }

    /** Drops expired tokens if no sweep ran in the last second; whether there is room now. */
    private boolean sweptRoom() {
        long now = clock.millis();
        long next = nextSweepMillis.get();
        if (now >= next && nextSweepMillis.compareAndSet(next, now + SWEEP_INTERVAL_MILLIS)) {
            Instant instant = Instant.ofEpochMilli(now);
            entries.values().removeIf(e -> !e.claims.expiresAt().isAfter(instant));
        }
        return entries.size() < MAX_TOKENS;
    }

    /**
     * The tokens that are live: not expired and not {@code revoked}, by user then issue time. Expired and revoked
     * ones are dropped on the way.
     */
    List<ActiveToken> active(Predicate<Claims> revoked) {
        Instant now = clock.instant();
        entries.values().removeIf(e -> !e.claims.expiresAt().isAfter(now) || revoked.test(e.claims));
        return entries.values().stream()
                .map(e -> new ActiveToken(e.claims, e.uses.get(), e.lastUseMillis == 0 ? Optional.empty()
                        : Optional.of(Instant.ofEpochMilli(e.lastUseMillis))))
                .sorted(Comparator.comparing((ActiveToken t) -> t.claims().subject())
                        .thenComparing(t -> t.claims().issuedAt())
                        .thenComparing(t -> t.claims().tokenId().value()))
                .toList();
    }

    /** Whether the registry is full, so that some live tokens may be missing from {@link #active}. */
    boolean full() {
        return entries.size() >= MAX_TOKENS;
    }

    /**
     * ProxyAuth's {@code /adm/stats}: {@code [{user, tokens: [{token_id, count, delivery_at, expire_at}]}]}, users and
     * tokens in order, live tokens that were used at least once (as ProxyAuth counts them, on use). As in ProxyAuth,
     * {@code delivery_at} is the first use and {@code expire_at} the expiry in whole seconds.
     */
    ArrayNode toJson(Function<Instant, String> dates, Predicate<Claims> revoked) {
        Instant now = clock.instant();
        entries.values().removeIf(e -> !e.claims.expiresAt().isAfter(now) || revoked.test(e.claims));
        Map<String, ArrayNode> byUser = new TreeMap<>();
        Map<TokenId, Entry> sorted = new TreeMap<>(Comparator.comparing(TokenId::value));
        sorted.putAll(entries);
        sorted.forEach((id, e) -> {
            if (e.uses.get() > 0) {
                byUser.computeIfAbsent(e.claims.subject(), u -> Json.object().arrayNode()).add(Json.object()
                        .put("token_id", id.value())
                        .put("count", e.uses.get())
                        .put("delivery_at", dates.apply(Instant.ofEpochMilli(e.firstUseMillis.get())))
                        .put("expire_at", dates.apply(e.claims.expiresAt().truncatedTo(ChronoUnit.SECONDS))));
            }
        });
        ArrayNode users = Json.object().arrayNode();
        byUser.forEach((user, tokens) -> {
            ObjectNode node = users.addObject().put("user", user);
            node.set("tokens", tokens);
        });
        return users;
    }
}
