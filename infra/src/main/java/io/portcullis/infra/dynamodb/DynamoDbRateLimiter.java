package io.portcullis.infra.dynamodb;

import static io.portcullis.infra.dynamodb.Items.n;
import static io.portcullis.infra.dynamodb.Items.s;

import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.limit.Gcra;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.port.RateLimiter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * GCRA in a DynamoDB item per key, where the decision and the count are one conditional {@code UpdateItem}: never
 * a read followed by a write, so concurrent instances can never admit more than the limit between them.
 *
 * <p>GCRA moves the key's theoretical arrival time (TAT) to {@code max(TAT, now) + T}; an update expression cannot
 * take a maximum, so each attempt names its case in the condition: an idle key ({@code TAT <= now}: set TAT to
 * {@code now + T}) or a busy one ({@code now < TAT <= now + (B-1)T}: add T). The case is guessed from the last TAT
 * this instance saw; when the guess is wrong the failed condition returns the item
 * ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}), which either picks the other case or proves the limit is
 * reached and gives {@code Retry-After}, without a second read. A rejected key is then refused from memory until it
 * may pass again, so a client hammering a limited key costs no further writes.
 *
 * <p>Leases (shared mode): with {@code permitsPerWrite} = k > 1, one write takes up to k permits (each accounted in
 * TAT as if requested alone) and the instance spends them locally for up to a second. This cuts writes by k; it
 * never admits more than the limit, since every permit was counted in the table, but a permit may be spent up to
 * {@link #LEASE_NANOS} after it was counted, so over any window the admitted count is bounded by the limit's count
 * for that window plus one second's worth; unspent permits expire unused.
 *
 * <p>Failures: beyond the client's deadline (retries included) the configured failure mode decides: refuse with
 * {@link StoreUnavailableException} (503), or admit without counting.
 */
public final class DynamoDbRateLimiter implements RateLimiter {
    static final long LEASE_NANOS = 1_000_000_000L;
    private static final int MAX_ATTEMPTS = 4;
    private static final System.Logger LOG = System.getLogger(DynamoDbRateLimiter.class.getName());
    private static final Map<String, String> NAMES = Map.of("#tat", "tat_ns", "#blk", "blocked_ns",
            "#exp", Tables.TTL_ATTRIBUTE);
    private static final String NOT_BLOCKED = "(attribute_not_exists(#blk) OR #blk <= :now)";

    /**
     * What this instance knows of a key: the latest state seen, a refusal until, a lease. Guarded by its own
     * monitor. The state only moves forward: TAT and blocks never decrease in the table, so the latest knowledge is
     * the maximum of what any thread saw.
     */
    private static final class Local {
        Gcra.State seen = Gcra.State.FRESH;
        long deniedUntil;
        int leased;
        long leaseExpires;

        void remember(Gcra.State state) {
            seen = new Gcra.State(Math.max(seen.tat(), state.tat()), Math.max(seen.blockedUntil(), state.blockedUntil()));
        }

        /** Adds permits to the lease; the lease keeps its earliest expiry, so no permit outlives its second. */
        void lease(int permits, long now) {
            if (now >= leaseExpires) {
                leased = 0;
                leaseExpires = now + LEASE_NANOS;
            }
            leased += permits;
        }
    }

    private final DynamoDbClient client;
    private final String table;
    private final int permitsPerWrite;
    private final boolean failOpen;
    private final ConcurrentHashMap<String, Local> locals = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong();
    private final Clock clock;

    /**
     * @param permitsPerWrite permits taken per write (1: every request is one conditional write)
     * @param failOpen whether to admit requests uncounted when DynamoDB fails (otherwise 503)
     * @param clock read inside each decision: under the key's local lock for a lease, just before the write
     *     otherwise
     */
    public DynamoDbRateLimiter(DynamoDbClient client, String table, int permitsPerWrite, boolean failOpen,
            Clock clock) {
        if (permitsPerWrite < 1) {
            throw new IllegalArgumentException("permitsPerWrite must be at least 1");
        }
        this.client = client;
        this.table = table;
        this.permitsPerWrite = permitsPerWrite;
        this.failOpen = failOpen;
        this.clock = clock;
    }

    @Override
    public RateDecision acquire(String key, RateLimit limit) {
        if (limit.unlimited()) {
            return RateDecision.UNLIMITED;
        }
        Local local = locals.computeIfAbsent(key, k -> new Local());
        long now;
        synchronized (local) {
            now = Gcra.epochNanos(clock.instant());
            if (local.leased > 0 && now < local.leaseExpires) {
                local.leased--;
                return new RateDecision(true, limit.burst(), local.leased, 1, 0);
            }
            if (now < local.deniedUntil) {
                long waitNanos = local.deniedUntil - now;
                return new RateDecision(false, limit.burst(), 0, Math.max(1, seconds(local.seen.tat() - now)),
                        Math.max(1, seconds(waitNanos)));
            }
        }
        sweep(now);
        try {
            return fromTable(key, limit, Gcra.epochNanos(clock.instant()), local);
        } catch (SdkException e) {
            if (failOpen) {
                LOG.log(System.Logger.Level.WARNING, "rate limiter store failed, admitting uncounted: " + e.getMessage());
                return RateDecision.UNLIMITED;
            }
            throw new StoreUnavailableException("DynamoDB rate limit update failed: " + e.getMessage(), e);
        }
    }

    private RateDecision fromTable(String key, RateLimit limit, long now, Local local) {
        Gcra.State known;
        synchronized (local) {
            known = local.seen;
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int permits = Math.min(permitsPerWrite, Gcra.available(known, limit, now));
            if (permits == 0) {
                return reject(key, limit, now, known, local);
            }
            Gcra.Outcome outcome = Gcra.decide(known, limit, now, permits);
            try {
                long tat = take(key, limit, now, permits, known.tat() <= now);
                Gcra.State seen = new Gcra.State(tat, 0);
                synchronized (local) {
                    local.remember(seen);
                    local.lease(permits - 1, now);
                }
                int remaining = Gcra.available(seen, limit, now) + permits - 1;
                return new RateDecision(true, limit.burst(), remaining, outcome.decision().resetSeconds(), 0);
            } catch (ConditionalCheckFailedException e) {
                known = state(e.item());
            }
        }
        return reject(key, limit, now, known, local);
    }

    /** One conditional write taking {@code permits}; returns the new TAT. */
    private long take(String key, RateLimit limit, long now, int permits, boolean idle) {
        long interval = limit.emissionIntervalNanos();
        long add = interval * permits;
        UpdateItemRequest.Builder update = UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of("limit_key", s(key)))
                .expressionAttributeNames(NAMES)
                .returnValues(ReturnValue.UPDATED_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        long expires = ttl(now + interval * limit.burst());
        if (idle) {
            update.updateExpression("SET #tat = :tat, #exp = :exp")
                    .conditionExpression("(attribute_not_exists(#tat) OR #tat <= :now) AND " + NOT_BLOCKED)
                    .expressionAttributeValues(Map.of(":tat", n(now + add), ":now", n(now), ":exp", n(expires)));
        } else {
            update.updateExpression("SET #tat = #tat + :add, #exp = :exp")
                    .conditionExpression("#tat > :now AND #tat <= :max AND " + NOT_BLOCKED)
                    .expressionAttributeValues(Map.of(":add", n(add), ":now", n(now),
                            ":max", n(now + interval * (limit.burst() - permits)), ":exp", n(expires)));
        }
        return Items.number(client.updateItem(update.build()).attributes(), "tat_ns").orElseThrow();
    }

    /**
     * Refuses: records a block delay in the table if the limit has one, and refuses locally until the key may pass
     * again. Also reached when contention outlasted {@link #MAX_ATTEMPTS}: then the refusal is not remembered.
     */
    private RateDecision reject(String key, RateLimit limit, long now, Gcra.State known, Local local) {
        Gcra.State state;
        synchronized (local) {
            local.remember(known);
            state = local.seen;
        }
        Gcra.Outcome outcome = Gcra.decide(state, limit, now);
        if (outcome.decision().allowed()) {
            return new RateDecision(false, limit.burst(), 0, 1, 1);
        }
        Gcra.State next = outcome.next();
        if (next.blockedUntil() > state.blockedUntil()) {
            try {
                client.updateItem(b -> b.tableName(table)
                        .key(Map.of("limit_key", s(key)))
                        .expressionAttributeNames(Map.of("#blk", "blocked_ns", "#exp", Tables.TTL_ATTRIBUTE))
                        .updateExpression("SET #blk = :until, #exp = :exp")
                        .conditionExpression("attribute_not_exists(#blk) OR #blk < :until")
                        .expressionAttributeValues(Map.of(":until", n(next.blockedUntil()),
                                ":exp", n(ttl(Math.max(next.blockedUntil(), next.tat()))))));
            } catch (ConditionalCheckFailedException alreadyBlockedLonger) {
                // Another instance blocked the key until later; the local refusal below still holds.
            }
        }
        synchronized (local) {
            local.remember(next);
            local.deniedUntil = Math.max(local.deniedUntil, Gcra.allowedFrom(local.seen, limit));
        }
        return outcome.decision();
    }

    private static Gcra.State state(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return Gcra.State.FRESH;
        }
        return new Gcra.State(Items.number(item, "tat_ns").orElse(0L), Items.number(item, "blocked_ns").orElse(0L));
    }

    private static long seconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
    }

    /** TTL (epoch seconds) once the key is idle again, with a minute to spare. */
    private static long ttl(long idleAtNanos) {
        return idleAtNanos / 1_000_000_000L + 60;
    }

    /** Forgets local knowledge of keys idle for a while, so memory follows the active keys. */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (locals.size() > 10_000 && now - last > LEASE_NANOS && lastSweep.compareAndSet(last, now)) {
            locals.values().removeIf(local -> {
                synchronized (local) {
                    return local.seen.idleAt(now) && local.deniedUntil <= now && local.leaseExpires <= now;
                }
            });
        }
    }
}
