package io.portcullis.infra.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The gateway's DynamoDB client over DynamoDB Local's HTTP server, against the SDK's own client on DynamoDB Local
 * in-process as the reference: every operation the gateway uses, given the same requests on the same tables, must
 * give the same answers and the same errors.
 */
class DynamoDbJsonClientTest {
    private final DynamoDbClient ours = LocalDynamo.overHttp();
    private final DynamoDbClient sdk = LocalDynamo.embedded();
    private final TableNames tables = sameTables();

    private TableNames sameTables() {
        TableNames names = TableNames.withPrefix("j" + UUID.randomUUID().toString().substring(0, 8) + "-");
        Tables.ensure(ours, names);
        Tables.ensure(sdk, names);
        return names;
    }

    /** Runs {@code call} on both clients and returns both answers, ours first. */
    private <T> List<T> both(Function<DynamoDbClient, T> call) {
        return List.of(call.apply(ours), call.apply(sdk));
    }

    private static Map<String, AttributeValue> everyKindOfAttribute(String username) {
        return Map.of(
                "username", AttributeValue.fromS(username),
                "text", AttributeValue.fromS("ünïcødé \" \\ \n 🙂"),
                "number", AttributeValue.fromN("-12345678901234567890.125"),
                "blob", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, -2, 127, -128})),
                "flag", AttributeValue.fromBool(true),
                "nothing", AttributeValue.fromNul(true),
                "list", AttributeValue.fromL(List.of(AttributeValue.fromS("a"), AttributeValue.fromN("1"),
                        AttributeValue.fromM(Map.of("inner", AttributeValue.fromBool(false))))),
                "map", AttributeValue.fromM(Map.of("x", AttributeValue.fromL(List.of()), "y", AttributeValue.fromS(""))),
                "strings", AttributeValue.fromSs(List.of("b", "a")),
                "numbers", AttributeValue.fromNs(List.of("1", "2.5")));
    }

    @Test
    void itemsOfEveryAttributeKind_areWrittenAndReadBack_asTheSdkDoes() {
        Map<String, AttributeValue> item = everyKindOfAttribute("alice");
        both(c -> c.putItem(b -> b.tableName(tables.users()).item(item)));

        List<Map<String, AttributeValue>> read = both(c -> c.getItem(b -> b.tableName(tables.users())
                .key(Map.of("username", AttributeValue.fromS("alice"))).consistentRead(true)).item());

        assertThat(read.get(0)).isEqualTo(read.get(1));
        assertThat(read.get(0).get("text")).isEqualTo(item.get("text"));
        assertThat(read.get(0).get("blob")).isEqualTo(item.get("blob"));
        assertThat(read.get(0).get("list")).isEqualTo(item.get("list"));
        assertThat(both(c -> c.getItem(b -> b.tableName(tables.users())
                .key(Map.of("username", AttributeValue.fromS("nobody")))).hasItem())).containsExactly(false, false);
    }

    @Test
    void updates_returnTheSameValues_andAFailedCondition_carriesTheSameItem() {
        both(c -> c.putItem(b -> b.tableName(tables.rateLimits()).item(Map.of("limit_key", AttributeValue.fromS("k"),
                "tat_ns", AttributeValue.fromN("100")))));

        assertThat(both(c -> c.updateItem(b -> b.tableName(tables.rateLimits())
                .key(Map.of("limit_key", AttributeValue.fromS("k")))
                .updateExpression("SET tat_ns = :new").conditionExpression("tat_ns = :old")
                .expressionAttributeValues(Map.of(":new", AttributeValue.fromN("200"), ":old", AttributeValue.fromN("100")))
                .returnValues(ReturnValue.UPDATED_NEW)).attributes()))
                .containsExactly(Map.of("tat_ns", AttributeValue.fromN("200")), Map.of("tat_ns", AttributeValue.fromN("200")));

        List<Map<String, AttributeValue>> refusedWith = new ArrayList<>();
        for (DynamoDbClient client : List.of(ours, sdk)) {
            assertThatThrownBy(() -> client.updateItem(b -> b.tableName(tables.rateLimits())
                    .key(Map.of("limit_key", AttributeValue.fromS("k")))
                    .updateExpression("SET tat_ns = :new").conditionExpression("tat_ns = :old")
                    .expressionAttributeValues(Map.of(":new", AttributeValue.fromN("300"), ":old", AttributeValue.fromN("100")))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
                    .isInstanceOfSatisfying(ConditionalCheckFailedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ConditionalCheckFailedException");
                        refusedWith.add(e.item());
                    });
        }
        assertThat(refusedWith.get(0)).isEqualTo(refusedWith.get(1))
                .containsEntry("tat_ns", AttributeValue.fromN("200"));

        assertThat(both(c -> c.deleteItem(b -> b.tableName(tables.rateLimits())
                .key(Map.of("limit_key", AttributeValue.fromS("k"))).returnValues(ReturnValue.ALL_OLD)).attributes()))
                .allSatisfy(old -> assertThat(old).containsEntry("tat_ns", AttributeValue.fromN("200")));
    }

    @Test
    void queriesAndScans_pageAlike() {
        for (int i = 0; i < 7; i++) {
            String sk = String.format("%015d#t#%d", i, i);
            both(c -> c.putItem(b -> b.tableName(tables.revocations()).item(Map.of("pk", AttributeValue.fromS("feed"),
                    "sk", AttributeValue.fromS(sk), "expires_at", AttributeValue.fromN("99")))));
        }

        List<List<String>> pages = both(c -> c.queryPaginator(b -> b
                .tableName(tables.revocations()).consistentRead(true).limit(3)
                .keyConditionExpression("pk = :feed AND sk > :from")
                .expressionAttributeValues(Map.of(":feed", AttributeValue.fromS("feed"),
                        ":from", AttributeValue.fromS(String.format("%015d#", 1)))))
                .stream().map(page -> page.items() + " then " + page.lastEvaluatedKey()).toList());
        assertThat(pages.get(0)).isEqualTo(pages.get(1)).hasSizeGreaterThan(1);

        List<List<Map<String, AttributeValue>>> scanned = both(c -> c.scanPaginator(b -> b
                .tableName(tables.revocations()).consistentRead(true).limit(4)).items().stream().toList());
        assertThat(scanned.get(0)).isEqualTo(scanned.get(1)).hasSize(7);
    }

    @Test
    void tables_areDescribedAlike_andAMissingOne_isTheSdksError() {
        List<DescribeTableResponse> described = both(c -> c.describeTable(b -> b.tableName(tables.revocations())));
        assertThat(described.get(0).table().keySchema()).isEqualTo(described.get(1).table().keySchema());
        assertThat(described.get(0).table().tableStatus()).isEqualTo(described.get(1).table().tableStatus());
        assertThat(described.get(0).table().creationDateTime()).isNotNull();

        assertThatThrownBy(() -> ours.describeTable(b -> b.tableName("no-such-table")))
                .isInstanceOfSatisfying(ResourceNotFoundException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException"));
    }

    @Test
    void anOperationTheGatewayDoesNotUse_saysSo() {
        assertThatThrownBy(() -> ours.batchGetItem(b -> b.requestItems(Map.of())))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
