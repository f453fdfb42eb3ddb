package io.portcullis.infra.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import io.portcullis.core.Fixtures;
import io.portcullis.core.ForwardDecision;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Gateway;
import io.portcullis.core.MapHeaders;
import io.portcullis.core.MutableClock;
import io.portcullis.core.Rejection;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.jwt.JwtMint;
import io.portcullis.core.memory.InMemoryRateLimiter;
import io.portcullis.core.memory.InMemoryUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A JWT's revocation on DynamoDB lasts as long as the JWT can be accepted (issue 16, item 8): a JWT is accepted until
 * {@code exp} plus the clock skew, so a logout in that window must be stored, not dropped as already expired.
 */
class JwtRevocationOnDynamoDbTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final DynamoDbClient dynamo = LocalDynamo.overHttp();
    private final TableNames tables = LocalDynamo.freshTables(dynamo);

    @TempDir
    Path dir;

    @Test
    void aJwtRevokedPastItsExpiryButWithinTheSkew_isStoredAndRefusedEverywhere() {
        GatewayConfig config = Fixtures.config(dir, """
                jwt: { clock-skew: 60s, default-route-token: jwt, keys: [ { algorithm: HS512, secret: "%s" } ] }
                routes: [ { prefix: /api, target: "http://backend:9000" } ]
                """.formatted(JwtMint.HMAC_SECRET));
        Instant exp = clock.instant().plusSeconds(600);
        String jwt = JwtMint.hmac(JWSAlgorithm.HS512, JwtMint.HMAC_SECRET, JwtMint.claims("carol", clock.instant())
                .expirationTime(Date.from(exp)).build());
        MapHeaders bearer = MapHeaders.of("Authorization", "Bearer " + jwt);
        try (Gateway one = gateway(config); Gateway other = gateway(config)) {
            clock.advance(Duration.ofSeconds(630));
            assertThat(forward(other, bearer)).as("past exp, within the skew").isInstanceOf(ForwardingPlan.class);

            assertThat(one.ownEndpoint(Fixtures.request("POST", "/auth/revoke", bearer, "")).orElseThrow()
                    .toResponse().status()).isEqualTo(204);

            assertThat(forward(one, bearer)).isInstanceOfSatisfying(Rejection.class,
                    r -> assertThat(r.reason()).isEqualTo("revoked"));
            clock.advance(Duration.ofSeconds(1));
            assertThat(forward(other, bearer)).as("another instance, from the table").isInstanceOfSatisfying(
                    Rejection.class, r -> assertThat(r.reason()).isEqualTo("revoked"));
            assertThat(forward(gateway(config), bearer)).as("a new instance").isInstanceOfSatisfying(Rejection.class,
                    r -> assertThat(r.reason()).isEqualTo("revoked"));
        }
    }

    private Gateway gateway(GatewayConfig config) {
        return Gateway.create(config, new Gateway.Stores(new InMemoryUsers(List.of()), new DynamoDbRevocations(dynamo,
                tables.revocations(), config.maxTokenLifetime(), Duration.ofSeconds(5), clock),
                new InMemoryRateLimiter(clock)), clock);
    }

    private static ForwardDecision forward(Gateway gateway, MapHeaders headers) {
        return gateway.forward().forward(Fixtures.get("/api/x", headers));
    }
}
