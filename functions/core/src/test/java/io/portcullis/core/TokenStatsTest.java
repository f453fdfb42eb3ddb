package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry of tokens seen stays bounded: expired tokens make room, live ones are never pushed out. */
class TokenStatsTest {
    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private final TokenStats stats = new TokenStats(clock);
    private final SecureRandom random = new SecureRandom();

    @Test
    void whenFull_expiredTokensMakeRoom_liveOnesStay() {
        for (int i = 0; i < TokenStats.MAX_TOKENS; i++) {
            stats.issued(claims("user" + (i % 100), Duration.ofMinutes(i == 0 ? 60 : 1)));
        }
        Claims late = claims("late", Duration.ofMinutes(5));
        stats.record(late);
        assertThat(stats.full()).isTrue();
        assertThat(stats.active(c -> false)).noneMatch(t -> t.claims().subject().equals("late"))
                .as("not tracked while every tracked token is live").hasSize(TokenStats.MAX_TOKENS);

        clock.advance(Duration.ofMinutes(2));
        stats.record(late);

        List<TokenStats.ActiveToken> active = stats.active(c -> false);
        assertThat(active).extracting(t -> t.claims().subject()).containsExactly("late", "user0");
        assertThat(active.get(0).uses()).isEqualTo(1);
        assertThat(active.get(0).lastUse()).contains(clock.instant());
        assertThat(stats.full()).isFalse();
    }

    @Test
    void active_dropsRevokedTokens() {
        Claims kept = claims("alice", Duration.ofHours(1));
        Claims revoked = claims("alice", Duration.ofHours(1));
        stats.record(kept);
        stats.record(revoked);

        assertThat(stats.active(c -> c.equals(revoked))).extracting(TokenStats.ActiveToken::claims)
                .containsExactly(kept);
        assertThat(stats.active(c -> false)).hasSize(1);
    }

    private Claims claims(String user, Duration lifetime) {
        Instant now = clock.instant();
        return new Claims(user, TokenId.random(random), now, now.plus(lifetime), List.of());
    }
}
