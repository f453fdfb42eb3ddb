package io.portcullis.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Fixtures;
import io.portcullis.core.memory.StaticKeyRing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Login tickets: the proof a password step leaves for the code step, for one user and five minutes. */
class LoginTicketsTest {
    private static final TokenKey K1 = key("k1", Fixtures.SECRET);
    private static final TokenKey K2 = key("k2", Fixtures.OTHER_SECRET);
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private final LoginTickets tickets = new LoginTickets(StaticKeyRing.of(K1));

    @Test
    void verify_givesTheUser_untilTheLifetimeEnds_andNotAtItsEnd() {
        String ticket = tickets.issue("alice", NOW);

        assertThat(tickets.verify(ticket, NOW)).hasValue("alice");
        assertThat(tickets.verify(ticket, NOW.plus(LoginTickets.LIFETIME).minusSeconds(1))).hasValue("alice");
        assertThat(tickets.verify(ticket, NOW.plus(LoginTickets.LIFETIME))).isEmpty();
    }

    @Test
    void verify_refusesATicketForAnotherUser_aLaterExpiry_orAnotherKey() {
        String ticket = tickets.issue("alice", NOW);
        String[] parts = ticket.split("\\.");
        String bob = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("bob".getBytes(StandardCharsets.UTF_8));

        assertThat(tickets.verify(parts[0] + "." + bob + "." + parts[2] + "." + parts[3], NOW)).isEmpty();
        assertThat(tickets.verify(parts[0] + "." + parts[1] + "." + (Long.parseLong(parts[2]) + 3600) + "."
                + parts[3], NOW)).isEmpty();
        assertThat(new LoginTickets(StaticKeyRing.of(K2)).verify(ticket, NOW)).as("unknown key id").isEmpty();
        assertThat(new LoginTickets(StaticKeyRing.of(key("k1", Fixtures.OTHER_SECRET))).verify(ticket, NOW))
                .as("same id, other secret").isEmpty();
    }

    @Test
    void verify_acceptsTicketsOfAKeyKeptForVerification() {
        String ticket = tickets.issue("alice", NOW);

        assertThat(new LoginTickets(new StaticKeyRing(K2, List.of(K2, K1))).verify(ticket, NOW)).hasValue("alice");
    }

    @Test
    void aCsrfToken_isNoTicket_norAnythingMalformed() {
        String csrf = new CsrfTokens(StaticKeyRing.of(K1)).issue(new TokenId("0123456789abcdef0123456789abcdef"));

        for (String bogus : List.of(csrf, "", ".", "k1...", "k1.YWxpY2U.x.y", "k1.!!!.1.AA",
                "k1.YWxpY2U.99999999999.%%", "x".repeat(600))) {
            assertThat(tickets.verify(bogus, NOW)).as(bogus).isEmpty();
        }
    }

    private static TokenKey key(String id, String secret) {
        return TokenKey.derive(id, SecretBytes.copyOf(secret.getBytes(StandardCharsets.UTF_8)));
    }
}
