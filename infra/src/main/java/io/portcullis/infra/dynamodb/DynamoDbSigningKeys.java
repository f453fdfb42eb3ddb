package io.portcullis.infra.dynamodb;

import static io.portcullis.infra.dynamodb.Items.n;
import static io.portcullis.infra.dynamodb.Items.s;

import io.portcullis.core.port.SigningKeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Generated signing keys, one item per key: {@code kid} → {@code public_jwk}, {@code sealed_private} (sealed under
 * the token keys), {@code created_ms}; TTL {@code expires_at}. A handful of items: listed with a consistent scan, added
 * with a conditional put, so two instances generating a key under one id cannot overwrite each other's.
 */
public final class DynamoDbSigningKeys implements SigningKeyStore {
    private static final String KID = "kid";

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;

    public DynamoDbSigningKeys(DynamoDbClient client, String table, Clock clock) {
        this.client = client;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public List<StoredKey> keys() {
        List<StoredKey> keys = new ArrayList<>();
        long now = clock.instant().getEpochSecond();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = StoreCalls.call("signing key list", () -> client.scan(b -> b.tableName(table)
                    .consistentRead(true).exclusiveStartKey(from)));
            for (Map<String, AttributeValue> item : page.items()) {
                long expires = Items.number(item, Tables.TTL_ATTRIBUTE).orElse(0L);
                if (expires > now) {
                    keys.add(new StoredKey(item.get(KID).s(), item.get("public_jwk").s(),
                            item.get("sealed_private").s(),
                            Instant.ofEpochMilli(Items.number(item, "created_ms").orElseThrow()),
                            Instant.ofEpochSecond(expires)));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        keys.sort(Comparator.comparing(StoredKey::createdAt).thenComparing(StoredKey::keyId));
        return keys;
    }

    @Override
    public boolean add(StoredKey key) {
        return StoreCalls.call("signing key add", () -> {
            try {
                client.putItem(b -> b.tableName(table)
                        .item(Map.of(KID, s(key.keyId()), "public_jwk", s(key.publicJwk()),
                                "sealed_private", s(key.sealedPrivateKey()),
                                "created_ms", n(key.createdAt().toEpochMilli()),
                                Tables.TTL_ATTRIBUTE, n(key.expiresAt().getEpochSecond())))
                        .conditionExpression("attribute_not_exists(#kid)")
                        .expressionAttributeNames(Map.of("#kid", KID)));
                return true;
            } catch (ConditionalCheckFailedException taken) {
                return false;
            }
        });
    }
}
