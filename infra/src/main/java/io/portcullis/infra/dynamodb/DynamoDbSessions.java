package io.portcullis.infra.dynamodb;

import static io.portcullis.infra.dynamodb.Items.n;
import static io.portcullis.infra.dynamodb.Items.s;

import io.portcullis.core.port.SessionCredentialStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Session credentials by session id. Expiry is checked on every read: DynamoDB's TTL deletes expired items only
 * eventually. Read with strong consistency, so a deleted session stops working on the next request.
 */
public final class DynamoDbSessions implements SessionCredentialStore {
    private static final String SID = "sid";
    private static final String CREDENTIALS = "credentials";

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;

    public DynamoDbSessions(DynamoDbClient client, String table, Clock clock) {
        this.client = client;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Optional<String> credentials(String sessionId) {
        Map<String, AttributeValue> item = StoreCalls.call("session lookup", () -> client.getItem(b -> b
                .tableName(table).key(Map.of(SID, s(sessionId))).consistentRead(true)).item());
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Optional<Long> expiresAt = Items.number(item, Tables.TTL_ATTRIBUTE);
        if (expiresAt.isPresent() && clock.instant().getEpochSecond() >= expiresAt.get()) {
            return Optional.empty();
        }
        return Items.string(item, CREDENTIALS);
    }

    /** Expiry is kept to the second, as DynamoDB's TTL attribute is; a sub-second expiry is rounded up. */
    @Override
    public void save(String sessionId, String credentials, Optional<Instant> expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(SID, s(sessionId));
        item.put(CREDENTIALS, s(credentials));
        expiresAt.ifPresent(at -> item.put(Tables.TTL_ATTRIBUTE,
                n(at.getEpochSecond() + (at.getNano() > 0 ? 1 : 0))));
        StoreCalls.run("session save", () -> client.putItem(b -> b.tableName(table).item(item)));
    }

    @Override
    public boolean remove(String sessionId) {
        Map<String, AttributeValue> old = StoreCalls.call("session removal", () -> client.deleteItem(b -> b
                .tableName(table).key(Map.of(SID, s(sessionId))).returnValues(ReturnValue.ALL_OLD)).attributes());
        return old != null && !old.isEmpty();
    }
}
