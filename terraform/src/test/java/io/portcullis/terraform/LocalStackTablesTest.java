package io.portcullis.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.Authenticated;
import io.portcullis.core.Gateway;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Issued;
import io.portcullis.core.MapHeaders;
import io.portcullis.core.Reply;
import io.portcullis.core.User;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.Passwords;
import io.portcullis.infra.dynamodb.DynamoDbStores;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Opt-in ({@code mvn -Plocalstack -pl terraform test}, Docker required): creates the tables exactly as the
 * module's HCL declares them (keys, attribute types, billing, TTL, point-in-time recovery, encryption) and the
 * token key secret on LocalStack, loads the configuration the module generates with the secret fetched from
 * LocalStack's Secrets Manager, and runs the gateway's DynamoDB adapters against those tables: a user login
 * (users GetItem, rate-limits UpdateItem), a token check, a logout (revocations PutItem/Query) and the check that
 * then refuses the token. A key or type in the HCL that the adapters do not use fails here with DynamoDB's own
 * validation error. Skipped without Docker. The functions themselves are not deployed: the AWS SDK's Lambda
 * client does not resolve from the registry reachable here, and LocalStack's Lambda needs Docker-in-Docker.
 */
@Tag("localstack")
class LocalStackTablesTest {
    private static final Region REGION = Region.EU_WEST_1;
    private static LocalStackContainer localstack;
    private static Tf module;
    private static Tf example;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "Docker is not available: the LocalStack test is skipped");
        Hcl.assumeParserAvailable();
        module = Tf.parse(Hcl.moduleDir());
        example = Tf.parse(Hcl.moduleDir().resolve("examples/basic"));
        localstack = new LocalStackContainer(DockerImageName.parse(
                System.getProperty("localstack.image", "localstack/localstack:4.4")))
                .withServices("dynamodb", "secretsmanager");
        localstack.start();
    }

    @AfterAll
    static void stop() {
        if (localstack != null) {
            localstack.stop();
        }
    }

    @Test
    void theAdaptersWorkOnTheTablesTerraformDeclares() throws Exception {
        URI endpoint = localstack.getEndpoint();
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
        String secretValue = ConfigCheck.randomSecret();
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(endpoint).region(REGION)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
             DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(REGION)
                     .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build()) {
            // Secrets as secrets.tf names them: <name>/token-key/<id>; fetched by the ARN's name part.
            GatewayConfig config = ConfigCheck.generatedConfig(module, example,
                    Map.of("STORE_ENDPOINT", endpoint.toString(), "AWS_ACCESS_KEY_ID", localstack.getAccessKey(),
                            "AWS_SECRET_ACCESS_KEY", localstack.getSecretKey()),
                    arn -> {
                        String name = arn.substring(arn.indexOf(":secret:") + ":secret:".length());
                        secrets.createSecret(b -> b.name(name).secretString(secretValue));
                        return secrets.getSecretValue(b -> b.secretId(name)).secretString();
                    });
            createTables(dynamo, config.store().tablePrefix());

            Clock clock = Clock.systemUTC();
            Gateway.Stores stores = DynamoDbStores.create(dynamo, config, clock, Optional.empty());
            Passwords passwords = new Passwords(new Argon2Params(1024, 1, 1));
            stores.users().saveUser(new User("alice", passwords.hash("wonderland".toCharArray()), List.of("admin"),
                    List.of()));
            try (Gateway gateway = Gateway.create(config, stores, clock)) {
                Reply login = gateway.ownEndpoint(post("/auth", "username=alice&password=wonderland", null)).orElseThrow();
                assertThat(login).isInstanceOf(Issued.class);
                String token = ((Issued) login).token();
                String route = config.routes().get(0).prefix() + "/x";
                assertThat(gateway.forward().checkAccess(MapHeaders.of("Authorization", "Bearer " + token), route))
                        .isInstanceOf(Authenticated.class);
                gateway.ownEndpoint(post("/logout", "", token)).orElseThrow();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (gateway.forward().checkAccess(MapHeaders.of("Authorization", "Bearer " + token), route)
                        instanceof Authenticated) {
                    assertThat(System.nanoTime()).as("the revocation is seen within 5 s").isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
        }
    }

    /** The module's aws_dynamodb_table resources, as the AWS provider would create them. */
    private static void createTables(DynamoDbClient dynamo, String prefix) {
        for (JsonNode table : module.resources("aws_dynamodb_table").values()) {
            String name = Tf.text(table.path("name")).replace(ModuleChecks.TABLE_PREFIX_EXPRESSION, prefix);
            List<KeySchemaElement> keys = new ArrayList<>();
            keys.add(KeySchemaElement.builder().attributeName(Tf.text(table.path("hash_key"))).keyType(KeyType.HASH).build());
            if (table.has("range_key")) {
                keys.add(KeySchemaElement.builder().attributeName(Tf.text(table.path("range_key"))).keyType(KeyType.RANGE).build());
            }
            List<AttributeDefinition> attributes = new ArrayList<>();
            table.path("attribute").forEach(a -> attributes.add(AttributeDefinition.builder()
                    .attributeName(Tf.text(a.path("name")))
                    .attributeType(ScalarAttributeType.fromValue(Tf.text(a.path("type")))).build()));
            dynamo.createTable(b -> b.tableName(name).keySchema(keys).attributeDefinitions(attributes)
                    .billingMode(BillingMode.fromValue(Tf.text(table.path("billing_mode"))))
                    .sseSpecification(s -> s.enabled(table.path("server_side_encryption").path(0).path("enabled").asBoolean())));
            dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
            if (table.path("ttl").size() > 0) {
                dynamo.updateTimeToLive(b -> b.tableName(name).timeToLiveSpecification(t -> t
                        .attributeName(Tf.text(table.path("ttl").path(0).path("attribute_name")))
                        .enabled(table.path("ttl").path(0).path("enabled").asBoolean())));
            }
            dynamo.updateContinuousBackups(b -> b.tableName(name).pointInTimeRecoverySpecification(p -> p
                    .pointInTimeRecoveryEnabled(table.path("point_in_time_recovery").path(0).path("enabled").asBoolean())));
        }
    }

    private static GatewayRequest post(String path, String form, String token) throws Exception {
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        MapHeaders headers = MapHeaders.of("Content-Type", "application/x-www-form-urlencoded",
                "Content-Length", Integer.toString(body.length));
        if (token != null) {
            headers.add("Authorization", "Bearer " + token);
        }
        return new GatewayRequest("POST", path, "", headers, InetAddress.getByName("203.0.113.7"), true,
                () -> new ByteArrayInputStream(body));
    }
}
