package io.portcullis.infra.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.portcullis.core.MutableClock;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

class DynamoDbRevocationsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final MutableClock clock = MutableClock.startingNow();
    private final DynamoDbClient dynamo = LocalDynamo.overHttp();
    private final TableNames tables = LocalDynamo.freshTables(dynamo);

    @Test
    void aRevocationOnOneInstance_isEnforcedByAnotherWithinASecond() {
        DynamoDbRevocations a = instance(dynamo);
        DynamoDbRevocations b = instance(dynamo);
        Claims token = token("alice", clock.instant());
        assertThat(b.isRevoked(token)).isFalse();

        a.revokeToken(token.tokenId(), token.expiresAt());
        a.revokeIssuedUpTo("bob", clock.instant());

        assertThat(a.isRevoked(token)).as("the revoking instance knows at once").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(b.isRevoked(token)).isTrue();
        assertThat(b.isRevoked(token("bob", clock.instant().minusSeconds(5)))).isTrue();
    }

    @Test
    void aNewInstance_loadsEveryLiveRevocation() {
        Claims token = token("carol", clock.instant());
        instance(dynamo).revokeToken(token.tokenId(), token.expiresAt());
        clock.advance(Duration.ofMinutes(30));

        assertThat(instance(dynamo).isRevoked(token)).isTrue();
    }

    @Test
    void aClientThatReadsOncePerSecond_readsOnlyWhatIsNew() {
        CountingClient counting = new CountingClient(dynamo);
        DynamoDbRevocations revocations = instance(counting.client);
        Claims token = token("dave", clock.instant());

        for (int i = 0; i < 1000; i++) {
            revocations.isRevoked(token);
        }
        assertThat(counting.count("query")).isEqualTo(1);
        clock.advance(Duration.ofMillis(1000));
        revocations.isRevoked(token);
        assertThat(counting.count("query")).isEqualTo(2);
    }

    @Test
    void aFeedOfManyPages_isReadToItsEnd() {
        List<Claims> revoked = new java.util.ArrayList<>();
        DynamoDbRevocations writer = instance(dynamo);
        for (int i = 0; i < 7; i++) {
            Claims token = token("erin", clock.instant());
            writer.revokeToken(token.tokenId(), token.expiresAt());
            revoked.add(token);
        }
        // DynamoDB Local itself, asked for pages of two items: four pages, the last one short.
        CountingClient counting = new CountingClient((DynamoDbClient) java.lang.reflect.Proxy.newProxyInstance(
                DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    Object[] sent = args;
                    if (args != null && args.length == 1 && args[0] instanceof QueryRequest query) {
                        sent = new Object[] {query.toBuilder().limit(2).build()};
                    }
                    try {
                        return method.invoke(dynamo, sent);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));

        DynamoDbRevocations reader = instance(counting.client);

        assertThat(revoked).allSatisfy(token -> assertThat(reader.isRevoked(token)).isTrue());
        assertThat(counting.count("query")).isEqualTo(4);
    }

    @Test
    void storeDown_servesTheCopyWhileFresh_then503_andRecovers(@TempDir Path dir) throws Exception {
        try (LocalDynamo.HttpServer server = new LocalDynamo.HttpServer(dir)) {
            // A stopped server refuses connections at once, so the deadline only needs to outlast a busy machine.
            DynamoDbClient client = server.client(Duration.ofSeconds(5));
            // The tables are created with a more patient client: on a loaded machine six tables take longer.
            TableNames names = LocalDynamo.freshTables(server.client(Duration.ofSeconds(30)));
            DynamoDbRevocations revocations = new DynamoDbRevocations(client, names.revocations(),
                    Duration.ofHours(1), Duration.ofSeconds(5), clock);
            Claims token = token("erin", clock.instant());
            assertThat(revocations.problem()).as("never read").hasValueSatisfying(p -> assertThat(p)
                    .contains("not been read"));
            assertThat(revocations.isRevoked(token)).isFalse();
            assertThat(revocations.problem()).isEmpty();

            server.stop();
            clock.advance(Duration.ofSeconds(3));
            assertThat(revocations.isRevoked(token)).as("copy 3 s old, within 5 s").isFalse();
            assertThat(revocations.problem()).as("the refresh failed").hasValueSatisfying(p -> assertThat(p)
                    .contains("revocation refresh failed"));
            clock.advance(Duration.ofSeconds(3));
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                    () -> revocations.isRevoked(token)).isInstanceOf(StoreUnavailableException.class));
            assertThatThrownBy(() -> revocations.revokeToken(token.tokenId(), token.expiresAt()))
                    .isInstanceOf(StoreUnavailableException.class);

            server.start();
            assertThat(revocations.isRevoked(token)).isFalse();
            assertThat(revocations.problem()).isEmpty();
        }
    }

    @Test
    void expiredRevocations_areForgotten() {
        DynamoDbRevocations revocations = instance(dynamo);
        Claims token = token("frank", clock.instant());
        revocations.revokeToken(token.tokenId(), token.expiresAt());

        clock.advance(Duration.ofHours(2));

        assertThat(revocations.isRevoked(token)).as("an expired token needs no revocation").isFalse();
        assertThat(instance(dynamo).isRevoked(token)).isFalse();
    }

    private DynamoDbRevocations instance(DynamoDbClient client) {
        return new DynamoDbRevocations(client, tables.revocations(), Duration.ofHours(1), Duration.ofSeconds(5), clock);
    }

    private static Claims token(String user, Instant issuedAt) {
        return new Claims(user, TokenId.random(RANDOM), issuedAt, issuedAt.plus(Duration.ofHours(1)), List.of());
    }
}
