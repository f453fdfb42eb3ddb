package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.Fixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code token issue} and {@code token inspect} with a config's keys: what verifies, what does not, what shows. */
class CliTokenTest {
    @TempDir
    Path dir;

    @Test
    void issue_thenInspect_printsTheClaimsAsJson_andNoSecret() throws Exception {
        Path config = RunningGateway.configFile(dir, "users: [ { username: alice, password: x, roles: [admin, dev] } ]\n"
                + "store: { type: memory }\n");
        Instant now = Instant.parse("2026-05-01T10:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);

        Cli.Run issued = Cli.run(clock, Map.of(), "", "token", "issue", "alice", "--ttl", "15m",
                "--config", config.toString());
        String token = issued.out().strip();
        Cli.Run fromStdin = Cli.run(clock, Map.of(), token + "\n", "token", "inspect", "--config", config.toString());
        Cli.Run fromArgument = Cli.run(clock, Map.of(), "", "token", "inspect", token, "--config", config.toString());

        assertThat(issued.code()).isZero();
        assertThat(issued.err()).contains("for alice (roles [admin, dev]), expires 2026-05-01T10:15:00Z");
        assertThat(fromStdin.code()).isZero();
        JsonNode claims = RunningGateway.JSON.readTree(fromStdin.out());
        assertThat(claims.get("subject").asText()).isEqualTo("alice");
        assertThat(claims.get("token_id").asText()).matches("[0-9a-f]{32}");
        assertThat(claims.get("issued_at").asText()).isEqualTo("2026-05-01T10:00:00Z");
        assertThat(claims.get("expires_at").asText()).isEqualTo("2026-05-01T10:15:00Z");
        assertThat(claims.get("expires_in").asLong()).isEqualTo(900);
        assertThat(claims.get("roles").toString()).isEqualTo("[\"admin\",\"dev\"]");
        assertThat(issued.err()).contains(claims.get("token_id").asText());
        assertThat(fromArgument.out()).isEqualTo(fromStdin.out());
        assertThat(issued.all()).doesNotContain(Fixtures.SECRET);
        assertThat(fromStdin.all()).as("claims only: no key, no secret, not the token")
                .doesNotContain(Fixtures.SECRET, "k1", token);
    }

    @Test
    void inspect_refusesForgedExpiredAndForeignTokens_withExitCode1() {
        Path config = RunningGateway.configFile(dir, "users: [ { username: alice, password: x } ]\n"
                + "store: { type: memory }\n");
        Path other = Fixtures.write(dir.resolve("other"), "other.yaml", "tokens: { keys: [ { id: k1, secret: \""
                + Fixtures.OTHER_SECRET + "\" } ] }\nusers: [ { username: alice, password: x } ]\n");
        Instant then = Instant.parse("2026-05-01T10:00:00Z");
        String token = Cli.run(Clock.fixed(then, ZoneOffset.UTC), Map.of(), "", "token", "issue", "alice",
                "--config", config.toString()).out().strip();
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        Clock later = Clock.fixed(then.plus(Duration.ofHours(1)), ZoneOffset.UTC);
        Clock sooner = Clock.fixed(then.plus(Duration.ofMinutes(59)), ZoneOffset.UTC);

        Cli.Run expired = Cli.run(later, Map.of(), token + "\n", "token", "inspect", "--config", config.toString());
        Cli.Run tampered = Cli.run(sooner, Map.of(), forged + "\n", "token", "inspect", "--config",
                config.toString());
        Cli.Run foreign = Cli.run(sooner, Map.of(), token + "\n", "token", "inspect", "--config", other.toString());
        Cli.Run empty = Cli.run(sooner, Map.of(), "", "token", "inspect", "--config", config.toString());

        assertThat(expired.code()).isEqualTo(1);
        assertThat(expired.err()).isEqualTo("portcullis: the token does not verify: token expired\n");
        assertThat(tampered.code()).isEqualTo(1);
        assertThat(tampered.err()).contains("token failed authentication");
        assertThat(foreign.code()).isEqualTo(1);
        assertThat(foreign.err()).contains("token failed authentication");
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("no token");
        assertThat(expired.out() + tampered.out() + foreign.out()).isEmpty();
    }

    @Test
    void revoke_needsExactlyOneOfTokenIdAndUser() {
        Path config = RunningGateway.configFile(dir, "store: { type: memory }\n");

        Cli.Run neither = Cli.run("", "token", "revoke", "--config", config.toString());
        Cli.Run both = Cli.run("", "token", "revoke", "--user", "a", "--token-id", "0".repeat(32),
                "--config", config.toString());
        Cli.Run badId = Cli.run("", "token", "revoke", "--token-id", "xyz", "--config", config.toString());
        Cli.Run memory = Cli.run("", "token", "revoke", "--user", "a", "--config", config.toString());

        assertThat(neither.code()).isEqualTo(2);
        assertThat(both.code()).isEqualTo(2);
        assertThat(badId.code()).isEqualTo(2);
        assertThat(badId.err()).contains("a token id is 32 lower-case hex digits");
        assertThat(memory.code()).isEqualTo(1);
        assertThat(memory.err()).contains("store.type is memory");
    }
}
