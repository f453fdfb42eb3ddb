package io.portcullis.infra.dynamodb;

import static io.portcullis.infra.dynamodb.Items.list;
import static io.portcullis.infra.dynamodb.Items.n;
import static io.portcullis.infra.dynamodb.Items.s;

import io.portcullis.core.port.RefreshTokenStore;
import io.portcullis.core.token.RefreshFamily;
import io.portcullis.core.token.TokenId;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Refresh-token families, one item per family: {@code family} → {@code subject}, {@code roles}, {@code started_ms},
 * {@code ends_ms}, {@code current} (the live token's hash), {@code current_expires_ms}, {@code previous},
 * {@code rotated_ms}, {@code ended_ms}; TTL {@code expires_at} at the family's absolute end.
 *
 * <p>A rotation is one conditional {@code UpdateItem}: the condition is the live token's hash (and that it is
 * unexpired, in a live family), so of two instances spending the same token one update succeeds and the other's
 * condition fails. The failure returns the item as it is ({@code ALL_OLD}), which tells the caller why, without a
 * second read.
 */
public final class DynamoDbRefreshTokens implements RefreshTokenStore {
    private static final String FAMILY = "family";

    private final DynamoDbClient client;
    private final String table;

    public DynamoDbRefreshTokens(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    @Override
    public void start(RefreshFamily family) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(FAMILY, s(family.id().value()));
        item.put("subject", s(family.subject()));
        item.put("roles", list(family.roles()));
        item.put("started_ms", n(family.startedAt().toEpochMilli()));
        item.put("ends_ms", n(family.endsAt().toEpochMilli()));
        item.put("current", s(family.current()));
        item.put("current_expires_ms", n(family.currentExpiresAt().toEpochMilli()));
        item.put(Tables.TTL_ATTRIBUTE, n(family.endsAt().getEpochSecond() + 1));
        StoreCalls.run("refresh family start", () -> client.putItem(b -> b.tableName(table).item(item)));
    }

    @Override
    public Rotation rotate(TokenId family, String presentedHash, String nextHash, Instant nextExpiresAt, Instant now) {
        return StoreCalls.call("refresh token rotation", () -> {
            try {
                Map<String, AttributeValue> before = client.updateItem(b -> b
                        .tableName(table)
                        .key(Map.of(FAMILY, s(family.value())))
                        .updateExpression("SET previous = #current, rotated_ms = :now, #current = :next, "
                                + "current_expires_ms = :nextExpires")
                        .conditionExpression("#current = :presented AND attribute_not_exists(ended_ms) "
                                + "AND current_expires_ms > :now AND ends_ms > :now")
                        .expressionAttributeNames(Map.of("#current", "current"))
                        .expressionAttributeValues(Map.of(":presented", s(presentedHash), ":next", s(nextHash),
                                ":nextExpires", n(nextExpiresAt.toEpochMilli()), ":now", n(now.toEpochMilli())))
                        .returnValues(ReturnValue.ALL_OLD)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                        .attributes();
                return new Rotated(family(before));
            } catch (ConditionalCheckFailedException refused) {
                Map<String, AttributeValue> item = refused.item();
                return new Refused(item == null || item.isEmpty() ? Optional.empty() : Optional.of(family(item)));
            }
        });
    }

    @Override
    public void end(TokenId family, Instant now) {
        StoreCalls.run("refresh family end", () -> {
            try {
                client.updateItem(b -> b
                        .tableName(table)
                        .key(Map.of(FAMILY, s(family.value())))
                        .updateExpression("SET ended_ms = :now")
                        .conditionExpression("attribute_exists(#family) AND attribute_not_exists(ended_ms)")
                        .expressionAttributeNames(Map.of("#family", FAMILY))
                        .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli()))));
            } catch (ConditionalCheckFailedException noSuchFamilyOrEndedAlready) {
                // Nothing to end: the token was not a family's, or its family ended before (the first end stands).
            }
        });
    }

    private static RefreshFamily family(Map<String, AttributeValue> item) {
        return new RefreshFamily(new TokenId(item.get(FAMILY).s()), item.get("subject").s(),
                Items.strings(item, "roles"), millis(item, "started_ms").orElseThrow(),
                millis(item, "ends_ms").orElseThrow(), item.get("current").s(),
                millis(item, "current_expires_ms").orElseThrow(), Items.string(item, "previous"),
                millis(item, "rotated_ms"), millis(item, "ended_ms"));
    }

    private static Optional<Instant> millis(Map<String, AttributeValue> item, String name) {
        return Items.number(item, name).map(Instant::ofEpochMilli);
    }
}
