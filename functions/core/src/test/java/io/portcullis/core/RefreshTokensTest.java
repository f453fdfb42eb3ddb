package io.portcullis.core;

import static io.portcullis.core.GatewayFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.core.token.RefreshTokenCodec;
import io.portcullis.core.token.TokenCodec;
import io.portcullis.core.token.TokenId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refresh tokens in the core: rotation, reuse ending the family, concurrent presentations, sliding and absolute
 * expiry, and every revocation path ending the family.
 */
class RefreshTokensTest {
    static final String TOKENS = "ttl-seconds: 900, refresh-ttl: 8h, refresh-max-lifetime: 24h";
    static final String YAML = """
            users:
              - { username: alice, password: a, roles: [admin, dev] }
              - { username: bob, password: b, roles: [dev] }
            rate-limits:
              auth: { requests-per-second: 1000, burst: 1000 }
              proxy: { requests-per-second: 1000, burst: 1000 }
            store: { type: memory }
            routes:
              - { prefix: /api, target: "http://127.0.0.1:9000" }
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private GatewayFixture fixture;

    /** One login's tokens, as the client holds them, and the access token's id. */
    record Tokens(String access, String refresh, JsonNode body, TokenId id) {
    }

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, TOKENS, YAML);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void login_withRefreshOn_alsoReturnsARefreshToken_andItsLifetime() throws Exception {
        Tokens alice = login("alice", "a");

        assertThat(alice.body().get("expires_in").asLong()).isEqualTo(900);
        assertThat(alice.body().get("refresh_expires_in").asLong()).isEqualTo(8 * 3600);
        assertThat(alice.refresh()).startsWith("k1.").isNotEqualTo(alice.access());
    }

    @Test
    void login_withRefreshOff_hasNoRefreshToken_andTheEndpointSaysSo() throws Exception {
        try (GatewayFixture off = new GatewayFixture(dir.resolve("off"), YAML)) {
            JsonNode body = json(off.gateway.ownEndpoint(Fixtures.login("alice", "a")).orElseThrow());
            assertThat(body.has("refresh_token")).isFalse();
            assertThat(body.has("refresh_expires_in")).isFalse();

            GatewayResponse refresh = off.gateway.ownEndpoint(refreshRequest("{\"refresh_token\":\"k1.x\"}"))
                    .orElseThrow().toResponse();
            assertThat(refresh.status()).isEqualTo(404);
            assertThat(JSON.readTree(refresh.body()).get("error").asText()).isEqualTo("refresh_disabled");
        }
    }

    @Test
    void refresh_rotates_newAccessTokenWithTheSameId_andANewRefreshToken() throws Exception {
        Tokens first = login("alice", "a");
        fixture.clock.advance(Duration.ofMinutes(14));

        Tokens second = refresh(first.refresh());

        assertThat(second.access()).isNotEqualTo(first.access());
        assertThat(second.refresh()).isNotEqualTo(first.refresh());
        assertThat(second.id()).as("a family's access tokens share the login's id").isEqualTo(first.id());
        assertThat(second.body().get("expires_in").asLong()).isEqualTo(900);
        assertThat(second.body().get("refresh_expires_in").asLong()).isEqualTo(8 * 3600);
        Authenticated caller = (Authenticated) fixture.gateway.checkToken().authenticate(bearer(second.access()));
        assertThat(caller.claims().roles()).containsExactly("admin", "dev");
        assertThat(refresh(second.refresh()).access()).as("the new refresh token is the live one").isNotNull();
    }

    @Test
    void aSpentRefreshToken_presentedAgain_revokesTheWholeFamily() throws Exception {
        Tokens login = login("alice", "a");
        Tokens rotated = refresh(login.refresh());
        Tokens otherLogin = login("alice", "a");
        fixture.clock.advance(Duration.ofMinutes(1));

        Rejection reuse = refusal(login.refresh());

        assertThat(reuse.status()).isEqualTo(401);
        assertThat(reuse.error()).isEqualTo("invalid_refresh_token");
        assertThat(reuse.reason()).isEqualTo(RefreshTokens.REUSED);
        assertThat(refusal(rotated.refresh()).reason()).as("the thief's (or the owner's) newer refresh token too")
                .isEqualTo("refresh_token_revoked");
        for (String access : List.of(login.access(), rotated.access())) {
            assertThat(fixture.gateway.checkToken().authenticate(bearer(access))).as("every access token of it")
                    .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.reason()).isEqualTo("revoked"));
        }
        assertThat(fixture.gateway.checkToken().authenticate(bearer(otherLogin.access())))
                .as("another login of the same user lives on").isInstanceOf(Authenticated.class);
        assertThat(refresh(otherLogin.refresh()).access()).isNotNull();
    }

    @Test
    void aSpentRefreshToken_withinTheReuseInterval_getsAnAccessTokenOnly_andTheFamilyGoesOn() throws Exception {
        Tokens login = login("alice", "a");
        Tokens winner = refresh(login.refresh());
        fixture.clock.advance(Duration.ofSeconds(9));

        Tokens concurrent = refresh(login.refresh());

        assertThat(concurrent.refresh()).isNull();
        assertThat(concurrent.body().has("refresh_expires_in")).isFalse();
        assertThat(concurrent.id()).isEqualTo(login.id());
        assertThat(fixture.gateway.checkToken().authenticate(bearer(concurrent.access())))
                .isInstanceOf(Authenticated.class);
        assertThat(refresh(winner.refresh()).refresh()).as("the family goes on with the winner's token").isNotNull();

        fixture.clock.advance(Duration.ofSeconds(2));
        assertThat(refusal(login.refresh()).reason()).as("after the interval it is reuse")
                .isEqualTo(RefreshTokens.REUSED);
    }

    @Test
    void withAZeroReuseInterval_aSecondPresentation_isReuse_evenFromAClockBehindTheSpending() throws Exception {
        try (GatewayFixture strict = new GatewayFixture(dir.resolve("strict"), TOKENS
                + ", refresh-reuse-interval: 0s", YAML)) {
            GatewayFixture saved = fixture;
            fixture = strict;
            try {
                Tokens login = login("alice", "a");
                Tokens winner = refresh(login.refresh());
                // Another instance whose clock is a little behind, or a request that read the clock before the
                // spending finished: still reuse.
                strict.clock.set(strict.clock.instant().minusMillis(500));

                assertThat(refusal(login.refresh()).reason()).isEqualTo(RefreshTokens.REUSED);
                assertThat(refusal(winner.refresh()).reason()).isEqualTo("refresh_token_revoked");
            } finally {
                fixture = saved;
            }
        }
    }

    @Test
    void anUnusedRefreshToken_expiresAfterRefreshTtl_butEachRefreshSlidesIt() throws Exception {
        Tokens login = login("alice", "a");
        fixture.clock.advance(Duration.ofHours(7));
        Tokens slid = refresh(login.refresh());
        fixture.clock.advance(Duration.ofHours(7));
        Tokens again = refresh(slid.refresh());

        fixture.clock.advance(Duration.ofHours(8));

        assertThat(refusal(again.refresh()).reason()).isEqualTo("refresh_token_expired");
    }

    @Test
    void aFamily_endsAtItsAbsoluteLifetime_howeverOftenRefreshed_andItsAccessTokensNeverOutliveIt() throws Exception {
        Tokens current = login("alice", "a");
        for (int i = 0; i < 23; i++) {
            fixture.clock.advance(Duration.ofHours(1));
            current = refresh(current.refresh());
        }
        fixture.clock.advance(Duration.ofMinutes(50));
        Tokens last = refresh(current.refresh());

        assertThat(last.body().get("expires_in").asLong()).as("10 minutes of the family's 24 hours are left")
                .isEqualTo(600);
        assertThat(last.body().get("refresh_expires_in").asLong()).isEqualTo(600);
        fixture.clock.advance(Duration.ofMinutes(10));
        assertThat(refusal(last.refresh()).reason()).isEqualTo("refresh_token_expired");
    }

    @Test
    void logout_endsTheFamily_andEveryAccessTokenOfIt() throws Exception {
        Tokens login = login("alice", "a");
        Tokens refreshed = refresh(login.refresh());
        fixture.clock.advance(Duration.ofMinutes(1));

        assertThat(fixture.gateway.ownEndpoint(Fixtures.request("POST", "/logout", bearer(login.access()), ""))
                .orElseThrow().toResponse().status()).isEqualTo(204);

        assertThat(refusal(refreshed.refresh()).reason()).isEqualTo("refresh_token_revoked");
        assertThat(fixture.gateway.checkToken().authenticate(bearer(refreshed.access())))
                .as("a newer access token of the family, though another was presented").isInstanceOf(Rejection.class);
        fixture.clock.advance(Duration.ofMinutes(20));
        assertThat(refusal(refreshed.refresh()).reason()).as("long after the access tokens expired")
                .isEqualTo("refresh_token_revoked");
    }

    @Test
    void authRevoke_endsTheFamily() throws Exception {
        Tokens login = login("bob", "b");
        fixture.clock.advance(Duration.ofMinutes(1));

        fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth/revoke", bearer(login.access()), ""));

        assertThat(refusal(login.refresh()).reason()).isEqualTo("refresh_token_revoked");
    }

    @Test
    void adminRevokingTheTokenId_endsTheFamily() throws Exception {
        Tokens bob = login("bob", "b");
        Tokens admin = login("alice", "a");
        fixture.clock.advance(Duration.ofMinutes(1));

        assertThat(admin("POST", "/admin/revoke", admin, "{\"token_id\":\"" + bob.id().value() + "\"}").status())
                .isEqualTo(204);

        assertThat(refusal(bob.refresh()).reason()).isEqualTo("refresh_token_revoked");
    }

    @Test
    void adminRevokingTheUser_endsTheirFamilies_evenAfterTheirAccessTokensExpired() throws Exception {
        Tokens bob = login("bob", "b");
        Tokens admin = login("alice", "a");
        fixture.clock.advance(Duration.ofMinutes(1));

        assertThat(admin("POST", "/admin/revoke", admin, "{\"user\":\"bob\"}").status()).isEqualTo(204);
        fixture.clock.advance(Duration.ofHours(2));

        assertThat(refusal(bob.refresh()).reason()).isEqualTo("refresh_token_revoked");
        fixture.clock.advance(Duration.ofMinutes(1));
        assertThat(refresh(login("bob", "b").refresh()).access()).as("a login after the cutoff is a new family")
                .isNotNull();
    }

    @Test
    void aPasswordChange_aRoleRemoval_andRemovingTheUser_endTheirFamilies() throws Exception {
        Tokens admin = login("alice", "a");
        fixture.gateway.ownEndpoint(adminRequest("PUT", "/admin/users/carol", admin,
                "{\"password\":\"c1\",\"roles\":[\"dev\",\"ops\"]}"));
        Tokens beforePassword = login("carol", "c1");
        fixture.clock.advance(Duration.ofMinutes(1));
        assertThat(admin("PUT", "/admin/users/carol", admin, "{\"password\":\"c2\"}").status()).isEqualTo(200);
        assertThat(refusal(beforePassword.refresh()).reason()).isEqualTo("refresh_token_revoked");

        fixture.clock.advance(Duration.ofMinutes(1));
        Tokens beforeRole = login("carol", "c2");
        fixture.clock.advance(Duration.ofMinutes(1));
        assertThat(admin("PUT", "/admin/users/carol", admin, "{\"roles\":[\"dev\"]}").status()).isEqualTo(200);
        assertThat(refusal(beforeRole.refresh()).reason()).isEqualTo("refresh_token_revoked");

        fixture.clock.advance(Duration.ofMinutes(1));
        Tokens beforeRemoval = login("carol", "c2");
        fixture.clock.advance(Duration.ofMinutes(1));
        assertThat(admin("DELETE", "/admin/users/carol", admin, "").status()).isEqualTo(200);
        assertThat(refusal(beforeRemoval.refresh()).reason()).isEqualTo("refresh_token_revoked");
    }

    @Test
    void aConfigReload_changingThePassword_endsTheFamily() throws Exception {
        Tokens bob = login("bob", "b");
        fixture.clock.advance(Duration.ofMinutes(1));

        ConfiguredUsers.seed(List.of(new User("bob", new io.portcullis.core.password.Passwords(
                fixture.config.passwords().argon2()).hash("b2".toCharArray()), List.of("dev"), List.of(),
                io.portcullis.core.totp.TotpSecrets.NONE)), fixture.stores.users(), fixture.stores.revocations(),
                fixture.clock);

        assertThat(refusal(bob.refresh()).reason()).isEqualTo("refresh_token_revoked");
    }

    @Test
    void aForgedRefreshToken_isRefused_withoutEndingTheFamilyItNames() throws Exception {
        Tokens alice = login("alice", "a");
        byte[] payload = Base64.getUrlDecoder().decode(alice.refresh().substring(3));
        payload[20] ^= 1;
        String tampered = "k1." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
        String unknownFamily = new RefreshTokenCodec(fixture.config.tokens().keyRing(), new SecureRandom())
                .mint(TokenId.random(new SecureRandom())).token();

        assertThat(refusal(tampered).reason()).isEqualTo("refresh_token_invalid");
        assertThat(refusal("k9." + alice.refresh().substring(3)).reason()).isEqualTo("refresh_token_invalid");
        assertThat(refusal(alice.access()).reason()).as("an access token is no refresh token")
                .isEqualTo("refresh_token_invalid");
        assertThat(refusal(unknownFamily).reason()).isEqualTo("refresh_token_unknown");
        assertThat(refresh(alice.refresh()).refresh()).as("the family it named goes on").isNotNull();
        assertThat(fixture.gateway.checkToken().authenticate(bearer(alice.refresh())))
                .as("a refresh token is no access token").isInstanceOf(Rejection.class);
    }

    @Test
    void badRequests_are400_andTheFormThatOAuthClientsSend_works() throws Exception {
        assertThat(status(refreshRequest("{}"))).isEqualTo(400);
        assertThat(status(refreshRequest("{nope"))).isEqualTo(400);
        assertThat(status(refreshRequest("{\"refresh_token\":42}"))).isEqualTo(400);
        assertThat(status(Fixtures.request("POST", "/auth/refresh", MapHeaders.of("Content-Type", "text/plain"),
                "x"))).isEqualTo(400);
        assertThat(status(formRefresh("grant_type=password&refresh_token=x"))).isEqualTo(400);
        assertThat(status(Fixtures.request("GET", "/auth/refresh", MapHeaders.empty(), ""))).isEqualTo(405);

        Tokens alice = login("alice", "a");
        GatewayResponse form = fixture.gateway.ownEndpoint(formRefresh("grant_type=refresh_token&refresh_token="
                + alice.refresh())).orElseThrow().toResponse();
        assertThat(form.status()).isEqualTo(200);
        assertThat(JSON.readTree(form.body()).get("refresh_token").asText()).startsWith("k1.");
        assertThat(form.headers()).contains(new Header("Cache-Control", "no-store"));
    }

    @Test
    void refreshes_areLimitedPerClientAddress() throws Exception {
        try (GatewayFixture limited = new GatewayFixture(dir.resolve("limited"), TOKENS,
                YAML.replace("auth: { requests-per-second: 1000, burst: 1000 }",
                        "auth: { requests-per-second: 0.01, burst: 2 }"))) {
            for (int i = 0; i < 2; i++) {
                assertThat(limited.gateway.ownEndpoint(refreshRequest("{\"refresh_token\":\"k1.x\"}")).orElseThrow()
                        .toResponse().status()).isEqualTo(401);
            }
            GatewayResponse third = limited.gateway.ownEndpoint(refreshRequest("{\"refresh_token\":\"k1.x\"}"))
                    .orElseThrow().toResponse();
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.headers()).anyMatch(h -> h.name().equals("Retry-After"));

            // IPv6 clients are counted by their /64, as logins are: another address in it is the same client.
            for (int i = 0; i < 2; i++) {
                assertThat(refreshFrom(limited, "2001:db8:0:1::1")).isEqualTo(401);
            }
            assertThat(refreshFrom(limited, "2001:db8:0:1:ffff::2")).isEqualTo(429);
            assertThat(refreshFrom(limited, "2001:db8:0:2::1")).as("another /64").isEqualTo(401);
        }
    }

    private static int refreshFrom(GatewayFixture gateway, String peer) {
        return gateway.gateway.ownEndpoint(Fixtures.request("POST", "/auth/refresh", MapHeaders.of("Content-Type",
                "application/json"), "{\"refresh_token\":\"k1.x\"}", peer)).orElseThrow().toResponse().status();
    }

    private Tokens login(String user, String password) throws Exception {
        return tokens(json(fixture.gateway.ownEndpoint(Fixtures.login(user, password)).orElseThrow()));
    }

    private Tokens refresh(String refreshToken) throws Exception {
        Reply reply = fixture.gateway.ownEndpoint(refreshRequest("{\"refresh_token\":\"" + refreshToken + "\"}"))
                .orElseThrow();
        assertThat(reply).as("a refresh that should succeed").isInstanceOf(Issued.class);
        return tokens(json(reply));
    }

    private Tokens tokens(JsonNode body) throws Exception {
        String access = body.get("token").asText();
        TokenId id = new TokenCodec(fixture.config.tokens().keyRing(), new SecureRandom())
                .verifyAndDecode(access, fixture.clock.instant()).claims().tokenId();
        return new Tokens(access, body.path("refresh_token").asText(null), body, id);
    }

    private Rejection refusal(String refreshToken) {
        Reply reply = fixture.gateway.ownEndpoint(refreshRequest("{\"refresh_token\":\"" + refreshToken + "\"}"))
                .orElseThrow();
        assertThat(reply).as("a refresh that should be refused").isInstanceOf(Rejection.class);
        return (Rejection) reply;
    }

    private GatewayResponse admin(String method, String path, Tokens admin, String body) {
        return fixture.gateway.ownEndpoint(adminRequest(method, path, admin, body)).orElseThrow().toResponse();
    }

    private static GatewayRequest adminRequest(String method, String path, Tokens admin, String body) {
        return Fixtures.request(method, path, MapHeaders.of("Authorization", "Bearer " + admin.access(),
                "Content-Type", "application/json"), body);
    }

    private int status(GatewayRequest request) {
        return fixture.gateway.ownEndpoint(request).orElseThrow().toResponse().status();
    }

    static GatewayRequest refreshRequest(String json) {
        return Fixtures.request("POST", "/auth/refresh", MapHeaders.of("Content-Type", "application/json"), json);
    }

    private static GatewayRequest formRefresh(String form) {
        return Fixtures.request("POST", "/auth/refresh", MapHeaders.of("Content-Type",
                "application/x-www-form-urlencoded"), form);
    }

    private static JsonNode json(Reply reply) throws Exception {
        return JSON.readTree(new String(reply.toResponse().body(), StandardCharsets.UTF_8));
    }
}
