package io.portcullis.infra.dynamodb;

import io.portcullis.core.MutableClock;
import io.portcullis.core.port.RateLimiter;
import io.portcullis.core.port.RateLimiterContract;
import io.portcullis.core.port.RefreshTokenStore;
import io.portcullis.core.port.RefreshTokenStoreContract;
import io.portcullis.core.port.SigningKeyStore;
import io.portcullis.core.port.SigningKeyStoreContract;
import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.port.RevocationStoreContract;
import io.portcullis.core.port.SessionCredentialStore;
import io.portcullis.core.port.SessionCredentialStoreContract;
import io.portcullis.core.port.UserRegistry;
import io.portcullis.core.port.UserRegistryContract;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Nested;

/** Every DynamoDB adapter against the same port contract as the in-memory ones, on DynamoDB Local in-process. */
class DynamoDbAdaptersTest {
    private static final TableNames TABLES = LocalDynamo.freshTables(LocalDynamo.overHttp());

    @Nested
    class UsersTest extends UserRegistryContract {
        @Override
        protected UserRegistry registry() {
            return new DynamoDbUsers(LocalDynamo.overHttp(), LocalDynamo.freshTables(LocalDynamo.overHttp()).users());
        }
    }

    @Nested
    class RevocationsTest extends RevocationStoreContract {
        @Override
        protected RevocationStore store(MutableClock clock) {
            return new DynamoDbRevocations(LocalDynamo.overHttp(), TABLES.revocations(), Duration.ofHours(1),
                    Duration.ofSeconds(5), clock);
        }
    }

    @Nested
    class RateLimiterTest extends RateLimiterContract {
        @Override
        protected RateLimiter limiter(Clock clock) {
            return new DynamoDbRateLimiter(LocalDynamo.overHttp(), TABLES.rateLimits(), 1, false, clock);
        }
    }

    @Nested
    class LeasingRateLimiterTest extends RateLimiterContract {
        @Override
        protected RateLimiter limiter(Clock clock) {
            return new DynamoDbRateLimiter(LocalDynamo.overHttp(), TABLES.rateLimits(), 5, false, clock);
        }
    }

    @Nested
    class RefreshTokensTest extends RefreshTokenStoreContract {
        @Override
        protected RefreshTokenStore store(MutableClock clock) {
            return new DynamoDbRefreshTokens(LocalDynamo.overHttp(), TABLES.refreshTokens());
        }
    }

    @Nested
    class SigningKeysTest extends SigningKeyStoreContract {
        @Override
        protected SigningKeyStore store(MutableClock clock) {
            return new DynamoDbSigningKeys(LocalDynamo.overHttp(),
                    LocalDynamo.freshTables(LocalDynamo.overHttp()).signingKeys(), clock);
        }
    }

    @Nested
    class SessionsTest extends SessionCredentialStoreContract {
        @Override
        protected SessionCredentialStore store(MutableClock clock) {
            return new DynamoDbSessions(LocalDynamo.overHttp(), TABLES.sessions(), clock);
        }
    }
}
