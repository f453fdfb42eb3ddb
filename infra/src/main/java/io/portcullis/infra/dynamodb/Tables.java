package io.portcullis.infra.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/**
 * The tables, defined once: the adapters create them from here (embedded store, tests) and Terraform's test
 * checks its definitions against here. One table per concern, so each function's IAM policy can name exactly the
 * tables it touches.
 *
 * <ul>
 *   <li>users: {@code username} → {@code password_hash}, {@code roles}, {@code allow}; TOTP {@code totp_secret},
 *       {@code totp_pending}, {@code totp_step} (the last step spent)</li>
 *   <li>revocations: {@code pk} = {@code feed}, {@code sk} = {@code <millis>#t|u#<token id|user>}; a feed every
 *       instance follows; TTL {@code expires_at}</li>
 *   <li>rate-limits: {@code limit_key} → GCRA state {@code tat_ns}, {@code blocked_ns}; TTL {@code expires_at}</li>
 *   <li>sessions: {@code sid} → {@code credentials}; TTL {@code expires_at}</li>
 *   <li>refresh-tokens: {@code family} → the hash of its live refresh token and the family's times
 *       ({@link DynamoDbRefreshTokens}); TTL {@code expires_at}</li>
 *   <li>signing-keys: {@code kid} → the identity assertions' generated keys, the private half sealed
 *       ({@link DynamoDbSigningKeys}); TTL {@code expires_at}</li>
 * </ul>
 * All are on-demand (pay per request). DynamoDB deletes TTL-expired items lazily (within about two days): every
 * read checks expiry itself.
 */
public final class Tables {
    /** The TTL attribute of every table that expires items: epoch seconds. */
    public static final String TTL_ATTRIBUTE = "expires_at";

    /** A table's keys and TTL attribute; all key attributes are strings. */
    public record Definition(String name, String partitionKey, Optional<String> sortKey, Optional<String> ttlAttribute) {
    }

    private Tables() {
    }

    public static List<Definition> definitions(TableNames names) {
        return List.of(
                new Definition(names.users(), "username", Optional.empty(), Optional.empty()),
                new Definition(names.revocations(), "pk", Optional.of("sk"), Optional.of(TTL_ATTRIBUTE)),
                new Definition(names.rateLimits(), "limit_key", Optional.empty(), Optional.of(TTL_ATTRIBUTE)),
                new Definition(names.sessions(), "sid", Optional.empty(), Optional.of(TTL_ATTRIBUTE)),
                new Definition(names.refreshTokens(), "family", Optional.empty(), Optional.of(TTL_ATTRIBUTE)),
                new Definition(names.signingKeys(), "kid", Optional.empty(), Optional.of(TTL_ATTRIBUTE)));
    }

    /** Creates whichever tables are missing, waits until they are active and turns TTL on. */
    public static void ensure(DynamoDbClient client, TableNames names) {
        for (Definition table : definitions(names)) {
            if (exists(client, table.name())) {
                continue;
            }
            List<KeySchemaElement> keys = new ArrayList<>();
            List<AttributeDefinition> attributes = new ArrayList<>();
            keys.add(KeySchemaElement.builder().attributeName(table.partitionKey()).keyType(KeyType.HASH).build());
            attributes.add(stringAttribute(table.partitionKey()));
            table.sortKey().ifPresent(sort -> {
                keys.add(KeySchemaElement.builder().attributeName(sort).keyType(KeyType.RANGE).build());
                attributes.add(stringAttribute(sort));
            });
            try {
                client.createTable(CreateTableRequest.builder()
                        .tableName(table.name())
                        .keySchema(keys)
                        .attributeDefinitions(attributes)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .build());
            } catch (ResourceInUseException createdMeanwhile) {
                // Another instance created it first; wait for it below like for our own.
            }
            client.waiter().waitUntilTableExists(b -> b.tableName(table.name()));
            table.ttlAttribute().ifPresent(ttl -> client.updateTimeToLive(b -> b.tableName(table.name())
                    .timeToLiveSpecification(TimeToLiveSpecification.builder().attributeName(ttl).enabled(true)
                            .build())));
        }
    }

    private static boolean exists(DynamoDbClient client, String table) {
        try {
            client.describeTable(b -> b.tableName(table));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }
}
