package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnEndpointsTest {
    @TempDir
    Path dir;
    private GatewayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, "users: [ { username: alice, password: a, roles: [admin] } ]\n");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void ownEndpoint_dispatchesEachPath() {
        assertThat(own(Fixtures.login("alice", "a"))).isInstanceOf(Issued.class);
        String token = fixture.token("alice", "a");
        assertThat(own(Fixtures.request("POST", "/logout", GatewayFixture.bearer(token), ""))).isInstanceOf(Revoked.class);
        String other = fixture.token("alice", "a");
        assertThat(own(Fixtures.request("POST", "/auth/revoke", GatewayFixture.bearer(other), ""))).isInstanceOf(Revoked.class);
        assertThat(own(Fixtures.request("POST", "/admin/revoke",
                GatewayFixture.bearer(fixture.token("alice", "a")).add("Content-Type", "application/json"),
                "{\"user\":\"bob\"}"))).isInstanceOf(Revoked.class);
    }

    @Test
    void ownEndpoint_otherMethod_is405() {
        Reply reply = own(Fixtures.get("/auth", MapHeaders.empty()));

        assertThat(reply.toResponse().status()).isEqualTo(405);
        assertThat(reply.toResponse().headers()).contains(new Header("Allow", "POST"));
    }

    @Test
    void ownEndpoint_anyOtherPath_isLeftToTheRoutes() {
        assertThat(fixture.gateway.ownEndpoint(Fixtures.get("/auth/", MapHeaders.empty()))).isEmpty();
        assertThat(fixture.gateway.ownEndpoint(Fixtures.get("/api/auth", MapHeaders.empty()))).isEmpty();
    }

    private Reply own(GatewayRequest request) {
        return fixture.gateway.ownEndpoint(request).orElseThrow();
    }
}
