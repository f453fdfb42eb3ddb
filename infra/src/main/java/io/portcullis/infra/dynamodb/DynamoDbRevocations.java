package io.portcullis.infra.dynamodb;

import static io.portcullis.infra.dynamodb.Items.n;
import static io.portcullis.infra.dynamodb.Items.s;

import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Revocations as a feed in one table partition, followed by every instance.
 *
 * <p>Each revocation is one item under partition {@code feed}, sorted by {@code <epoch millis>#t|u#<token id or
 * user>}. Every instance keeps all live revocations in memory and checks them there, so the hot path never waits on
 * DynamoDB; it catches up with a strongly consistent query for the items written since its last look. Checks
 * refresh when the copy is older than {@link #FRESH_FOR}, so a revocation made anywhere is enforced everywhere
 * within a second; a server also refreshes in the background ({@link #refreshEvery}) so requests do not wait.
 *
 * <p>Each query starts {@link #OVERLAP} before the previous one, so an item whose timestamp lags (a slow write, a
 * clock a few seconds behind) is still picked up. Memory holds only revocations of tokens still alive: a token
 * entry until the token's expiry, a user's cutoff until every token issued before it has expired.
 *
 * <p>When DynamoDB cannot be reached the copy ages; past {@code maxStaleness} checks throw
 * {@link StoreUnavailableException} (the gateway answers 503) rather than admit a token that may be revoked.
 */
public final class DynamoDbRevocations implements RevocationStore {
    static final String FEED = "feed";
    static final Duration FRESH_FOR = Duration.ofSeconds(1);
    static final Duration OVERLAP = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(DynamoDbRevocations.class.getName());

    private final DynamoDbClient client;
    private final String table;
    private final Duration maxTokenLifetime;
    private final Duration maxStaleness;
    private final Clock clock;
    private final ConcurrentHashMap<TokenId, Instant> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> cutoffs = new ConcurrentHashMap<>();
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Instant refreshedAt;
    private volatile Instant nextQueryFrom;
    /** Why the latest refresh failed; null once one succeeds. */
    private volatile String lastFailure;

    /**
     * @param maxTokenLifetime the longest a token lives: how long a user's cutoff must be kept
     * @param maxStaleness how old the copy may grow while DynamoDB is unreachable before checks fail
     */
    public DynamoDbRevocations(DynamoDbClient client, String table, Duration maxTokenLifetime, Duration maxStaleness,
            Clock clock) {
        this.client = client;
        this.table = table;
        this.maxTokenLifetime = maxTokenLifetime;
        this.maxStaleness = maxStaleness;
        this.clock = clock;
        this.refreshedAt = Instant.MIN;
    }

    /** Keeps the copy fresh in the background, every {@code refreshEvery} (a server; not a Lambda function). */
    public void refreshEvery(Duration interval, ScheduledExecutorService scheduler) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (StoreUnavailableException e) {
                LOG.log(System.Logger.Level.WARNING, "revocation refresh failed: " + e.getMessage());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void revokeToken(TokenId tokenId, Instant expiresAt) {
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)) {
            return;
        }
        append(now, "t#" + tokenId.value(), Map.of("token_id", s(tokenId.value())), expiresAt);
        tokens.merge(tokenId, expiresAt, DynamoDbRevocations::later);
    }

    @Override
    public void revokeIssuedUpTo(String subject, Instant cutoff) {
        append(clock.instant(), "u#" + subject, Map.of("subject", s(subject), "cutoff_ms", n(cutoff.toEpochMilli())),
                cutoff.plus(maxTokenLifetime));
        cutoffs.merge(subject, cutoff, DynamoDbRevocations::later);
    }

    @Override
    public boolean isRevoked(Claims claims) {
        ensureFresh();
        if (tokens.containsKey(claims.tokenId())) {
            return true;
        }
        Instant cutoff = cutoffs.get(claims.subject());
        return cutoff != null && !claims.issuedAt().isAfter(cutoff);
    }

    /** Refreshes if the copy is older than {@link #FRESH_FOR}; fails once it is older than the allowed staleness. */
    private void ensureFresh() {
        if (age().compareTo(FRESH_FOR) < 0) {
            return;
        }
        try {
            refresh();
        } catch (StoreUnavailableException e) {
            if (age().compareTo(maxStaleness) > 0) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, "revocations not refreshed, serving a copy " + age().toMillis()
                    + " ms old: " + e.getMessage());
        }
    }

    /**
     * Why this copy cannot be trusted to be current, for a readiness check: the latest refresh failed (DynamoDB is
     * unreachable or refusing), or none succeeded within the allowed staleness. Empty while the feed is followed.
     * Costs no store call: the background refresh is the probe.
     */
    public Optional<String> problem() {
        String failure = lastFailure;
        if (failure != null) {
            return Optional.of(failure);
        }
        Duration age = age();
        return age.compareTo(maxStaleness) > 0 ? Optional.of(refreshedAt == Instant.MIN
                ? "the revocation feed has not been read yet"
                : "the revocation feed was last read " + age.toMillis() + " ms ago") : Optional.empty();
    }

    private Duration age() {
        Instant at = refreshedAt;
        return at == Instant.MIN ? Duration.ofDays(365) : Duration.between(at, clock.instant());
    }

    /** Reads the feed from where the last read left off (less the overlap) and folds it into the copy. */
    void refresh() {
        refreshing.lock();
        try {
            if (age().compareTo(FRESH_FOR.dividedBy(4)) < 0) {
                return;
            }
            Instant started = clock.instant();
            Instant from = nextQueryFrom == null ? started.minus(maxTokenLifetime).minus(OVERLAP) : nextQueryFrom;
            try {
                StoreCalls.run("revocation refresh", () -> readFeed(from));
            } catch (StoreUnavailableException e) {
                lastFailure = e.getMessage();
                throw e;
            }
            lastFailure = null;
            purgeExpired(started);
            nextQueryFrom = started.minus(OVERLAP);
            refreshedAt = started;
        } finally {
            refreshing.unlock();
        }
    }

    /**
     * Every item of the feed after {@code from}, page by page. By hand rather than with the SDK's paginator, whose
     * iterator classes and per-request override configuration were a sixth of a cold function's first request.
     */
    private void readFeed(Instant from) {
        Map<String, AttributeValue> after = null;
        do {
            QueryResponse page = client.query(QueryRequest.builder()
                    .tableName(table)
                    .consistentRead(true)
                    .keyConditionExpression("pk = :feed AND sk > :from")
                    .expressionAttributeValues(Map.of(":feed", s(FEED), ":from", s(sortKey(from, ""))))
                    .exclusiveStartKey(after)
                    .build());
            page.items().forEach(this::apply);
            after = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (after != null);
    }

    private void apply(Map<String, AttributeValue> item) {
        Instant expiresAt = Instant.ofEpochSecond(Items.number(item, Tables.TTL_ATTRIBUTE).orElse(0L));
        Items.string(item, "token_id").ifPresent(id -> tokens.merge(new TokenId(id), expiresAt, DynamoDbRevocations::later));
        Items.string(item, "subject").ifPresent(subject -> Items.number(item, "cutoff_ms").ifPresent(
                cutoff -> cutoffs.merge(subject, Instant.ofEpochMilli(cutoff), DynamoDbRevocations::later)));
    }

    private void purgeExpired(Instant now) {
        tokens.values().removeIf(expiry -> !expiry.isAfter(now));
        cutoffs.values().removeIf(cutoff -> !cutoff.plus(maxTokenLifetime).isAfter(now));
    }

    private void append(Instant now, String what, Map<String, AttributeValue> attributes, Instant expiresAt) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(attributes);
        item.put("pk", s(FEED));
        item.put("sk", s(sortKey(now, what)));
        item.put(Tables.TTL_ATTRIBUTE, n(expiresAt.getEpochSecond() + 1));
        StoreCalls.run("revocation write", () -> client.putItem(b -> b.tableName(table).item(item)));
    }

    private static String sortKey(Instant at, String what) {
        return String.format("%015d#%s", Math.max(0, at.toEpochMilli()), what);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
