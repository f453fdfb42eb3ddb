package io.portcullis.core;

import static io.portcullis.core.GatewayFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.token.Claims;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevokeTokensTest {
    @TempDir
    Path dir;
    private GatewayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, """
                users:
                  - { username: root, password: r, roles: [admin] }
                  - { username: bob, password: b }
                rate-limits: { auth: { requests-per-second: 100, burst: 100 } }
                """);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void revokeOwn_revokesOnlyThePresentedToken() {
        String first = fixture.token("bob", "b");
        String second = fixture.token("bob", "b");

        RevokeResult result = revokeTokens().revokeOwn(Fixtures.request("POST", "/logout", bearer(first), ""));

        assertThat(result.toResponse().status()).isEqualTo(204);
        assertRevoked(authenticate(first));
        assertThat(authenticate(second)).isInstanceOf(Authenticated.class);
    }

    @Test
    void revokeOwn_withoutToken_is401() {
        assertThat(revokeTokens().revokeOwn(Fixtures.request("POST", "/auth/revoke", MapHeaders.empty(), ""))
                .toResponse().status()).isEqualTo(401);
    }

    @Test
    void revokeAsAdmin_byUser_revokesAllTheirTokens() {
        String first = fixture.token("bob", "b");
        String second = fixture.token("bob", "b");

        RevokeResult result = admin("{\"user\":\"bob\"}");

        assertThat(result).isEqualTo(new Revoked("root", "user bob", false));
        assertRevoked(authenticate(first));
        assertRevoked(authenticate(second));
        fixture.clock.advance(java.time.Duration.ofMillis(1));
        assertThat(authenticate(fixture.token("bob", "b"))).isInstanceOf(Authenticated.class);
    }

    @Test
    void revokeAsAdmin_byTokenId() {
        String token = fixture.token("bob", "b");
        Claims claims = ((Authenticated) authenticate(token)).claims();

        admin("{\"token_id\":\"" + claims.tokenId() + "\"}");

        assertRevoked(authenticate(token));
    }

    @Test
    void revokeAsAdmin_notAdmin_is403() {
        String token = fixture.token("bob", "b");

        RevokeResult result = revokeTokens().revokeAsAdmin(Fixtures.request("POST", "/admin/revoke",
                bearer(token).add("Content-Type", "application/json"), "{\"user\":\"root\"}"));

        assertThat(result.toResponse().status()).isEqualTo(403);
    }

    @Test
    void revokeAsAdmin_badBodies_are400() {
        for (String body : new String[] {"{}", "{\"user\":\"a\",\"token_id\":\"b\"}", "{\"token_id\":\"xyz\"}",
            "{\"user\":\"\"}", "nope"}) {
            assertThat(admin(body).toResponse().status()).as(body).isEqualTo(400);
        }
    }

    private RevokeResult admin(String body) {
        String token = fixture.token("root", "r");
        return revokeTokens().revokeAsAdmin(Fixtures.request("POST", "/admin/revoke",
                bearer(token).add("Content-Type", "application/json"), body));
    }

    /** A revoked token's exact refusal: 401 {@code invalid_token}, reason {@code revoked}. */
    static void assertRevoked(AuthResult result) {
        HostileClientsTest.assertRejected(result, 401, "invalid_token", "revoked");
    }

    private AuthResult authenticate(String token) {
        return fixture.gateway.checkToken().authenticate(bearer(token));
    }

    private RevokeTokens revokeTokens() {
        return fixture.gateway.revokeTokens();
    }
}
