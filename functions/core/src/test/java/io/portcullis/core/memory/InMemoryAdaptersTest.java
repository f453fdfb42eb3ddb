package io.portcullis.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.MutableClock;
import io.portcullis.core.limit.RateLimit;
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
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The in-memory adapters against the port contracts. */
class InMemoryAdaptersTest {
    @Nested
    class RateLimiterTest extends RateLimiterContract {
        @Override
        protected RateLimiter limiter(Clock clock) {
            return new InMemoryRateLimiter(clock);
        }

        @Test
        void idleKeys_areSweptOnceTheMapIsLarge() {
            InMemoryRateLimiter limiter = new InMemoryRateLimiter(clock);
            RateLimit limit = new RateLimit(100, 1, Duration.ZERO);
            for (int i = 0; i <= 10_000; i++) {
                limiter.acquire("k" + i, limit);
            }
            clock.set(NOW.plusSeconds(2));
            limiter.acquire("late", limit);

            assertThat(limiter.trackedKeys()).isEqualTo(1);
        }
    }

    @Nested
    class RevocationsTest extends RevocationStoreContract {
        @Override
        protected RevocationStore store(MutableClock clock) {
            return new InMemoryRevocations(clock);
        }
    }

    @Nested
    class RefreshTokensTest extends RefreshTokenStoreContract {
        @Override
        protected RefreshTokenStore store(MutableClock clock) {
            return new InMemoryRefreshTokens(clock);
        }
    }

    @Nested
    class SigningKeysTest extends SigningKeyStoreContract {
        @Override
        protected SigningKeyStore store(MutableClock clock) {
            return new InMemorySigningKeys(clock);
        }
    }

    @Nested
    class SessionsTest extends SessionCredentialStoreContract {
        @Override
        protected SessionCredentialStore store(MutableClock clock) {
            return new InMemorySessions(clock);
        }
    }

    @Nested
    class UsersTest extends UserRegistryContract {
        @Override
        protected UserRegistry registry() {
            return new InMemoryUsers(List.of());
        }
    }
}
