package io.portcullis.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.MutableClock;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link RevocationStore} must do. Subclass it per adapter. */
public abstract class RevocationStoreContract {
    private static final SecureRandom RANDOM = new SecureRandom();
    protected final MutableClock clock = MutableClock.startingNow();

    /** An empty store reading time from {@code clock}. */
    protected abstract RevocationStore store(MutableClock clock);

    @Test
    void isRevoked_freshToken_isFalse() {
        assertThat(store(clock).isRevoked(token(user(), clock.instant()))).isFalse();
    }

    @Test
    void revokeToken_revokesThatTokenOnly() {
        RevocationStore store = store(clock);
        String user = user();
        Claims revoked = token(user, clock.instant());
        Claims other = token(user, clock.instant());

        store.revokeToken(revoked.tokenId(), revoked.expiresAt());

        assertThat(store.isRevoked(revoked)).isTrue();
        assertThat(store.isRevoked(other)).isFalse();
    }

    @Test
    void revokeToken_holdsUntilTheTokenExpires() {
        RevocationStore store = store(clock);
        Claims revoked = token(user(), clock.instant());
        store.revokeToken(revoked.tokenId(), revoked.expiresAt());

        clock.advance(Duration.ofMinutes(59));

        assertThat(store.isRevoked(revoked)).isTrue();
    }

    @Test
    void revokeIssuedUpTo_revokesEarlierAndSimultaneousTokens_notLaterOnes() {
        RevocationStore store = store(clock);
        String user = user();
        Claims earlier = token(user, clock.instant().minusSeconds(60));
        Claims atCutoff = token(user, clock.instant());
        Claims later = token(user, clock.instant().plusMillis(1));

        store.revokeIssuedUpTo(user, clock.instant());

        assertThat(store.isRevoked(earlier)).isTrue();
        assertThat(store.isRevoked(atCutoff)).isTrue();
        assertThat(store.isRevoked(later)).isFalse();
    }

    @Test
    void revokeIssuedUpTo_onlyThatUser() {
        RevocationStore store = store(clock);
        String user = user();
        store.revokeIssuedUpTo(user, clock.instant());

        assertThat(store.isRevoked(token(user(), clock.instant().minusSeconds(1)))).isFalse();
    }

    @Test
    void revokeIssuedUpTo_laterCutoffWins_earlierNeverUndoes() {
        RevocationStore store = store(clock);
        String user = user();
        Instant now = clock.instant();
        store.revokeIssuedUpTo(user, now);
        store.revokeIssuedUpTo(user, now.minusSeconds(600));

        assertThat(store.isRevoked(token(user, now.minusSeconds(1)))).isTrue();
    }

    private static String user() {
        return "user-" + UUID.randomUUID();
    }

    private static Claims token(String user, Instant issuedAt) {
        return new Claims(user, TokenId.random(RANDOM), issuedAt, issuedAt.plus(Duration.ofHours(1)), List.of());
    }
}
