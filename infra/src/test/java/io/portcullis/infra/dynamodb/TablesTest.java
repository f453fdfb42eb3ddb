package io.portcullis.infra.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class TablesTest {
    @Test
    void ensure_createsOnDemandTablesWithTtl_andIsIdempotent() {
        DynamoDbClient dynamo = LocalDynamo.embedded();
        TableNames names = LocalDynamo.freshTables(dynamo);

        Tables.ensure(dynamo, names);

        for (Tables.Definition table : Tables.definitions(names)) {
            var description = dynamo.describeTable(b -> b.tableName(table.name())).table();
            assertThat(description.keySchema().getFirst().attributeName()).isEqualTo(table.partitionKey());
            assertThat(description.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
            table.ttlAttribute().ifPresent(ttl -> {
                var status = dynamo.describeTimeToLive(b -> b.tableName(table.name())).timeToLiveDescription();
                assertThat(status.attributeName()).isEqualTo(ttl);
                assertThat(status.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
            });
        }
    }
}
