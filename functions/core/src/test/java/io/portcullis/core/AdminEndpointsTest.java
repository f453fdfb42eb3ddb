package io.portcullis.core;

import static io.portcullis.core.GatewayFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API in the core: who may call it, the live tokens, and managing users. */
class AdminEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_TOKEN = "0123456789abcdef".repeat(4);

    @TempDir
    Path dir;
    private GatewayFixture fixture;
    private String root;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, """
                users:
                  - { username: root, password: r, roles: [admin] }
                  - { username: bob, password: b, roles: [dev] }
                rate-limits: { auth: { requests-per-second: 1000, burst: 1000 }, proxy: { requests-per-second: 1000, burst: 1000 } }
                routes: [ { prefix: /api, target: "http://127.0.0.1:9000" } ]
                """);
        root = fixture.token("root", "r");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void tokens_listsLiveTokensPerUser_withIssueExpiryAndLastUse() throws IOException {
        String bobs = fixture.token("bob", "b");
        fixture.clock.advance(Duration.ofSeconds(5));
        assertThat(fixture.gateway.forward().forward(Fixtures.get("/api/x", bearer(bobs))))
                .isInstanceOf(ForwardingPlan.class);

        JsonNode all = body(call("GET", "/admin/tokens", bearer(root), ""), 200);
        assertThat(all.get("tokens")).extracting(t -> t.get("user").asText()).containsExactly("bob", "root");
        JsonNode bob = all.get("tokens").get(0);
        assertThat(bob.get("token_id").asText()).isEqualTo(tokenId(bobs));
        assertThat(bob.get("roles")).extracting(JsonNode::asText).containsExactly("dev");
        assertThat(bob.get("issued_at").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(bob.get("expires_at").asText()).isEqualTo("2026-11-22T11:00:00Z");
        assertThat(bob.get("last_used_at").asText()).isEqualTo("2026-11-22T10:00:05Z");
        assertThat(bob.get("uses").asLong()).isEqualTo(1);
        assertThat(all.get("tokens").get(1).get("last_used_at").isNull()).as("issued, never forwarded").isTrue();
        assertThat(all.get("complete").asBoolean()).isTrue();

        JsonNode onlyBob = body(call("GET", "/admin/tokens?user=bob", bearer(root), ""), 200);
        assertThat(onlyBob.get("tokens")).hasSize(1);
        assertThat(body(call("GET", "/admin/tokens?user=nobody", bearer(root), ""), 200).get("tokens")).isEmpty();
    }

    @Test
    void tokens_dropRevokedAndExpiredOnes() throws IOException {
        String first = fixture.token("bob", "b");
        fixture.clock.advance(Duration.ofMinutes(30));
        String second = fixture.token("bob", "b");
        assertThat(call("POST", "/admin/revoke", json(bearer(root)), "{\"token_id\":\"" + tokenId(first) + "\"}")
                .status()).isEqualTo(204);

        assertThat(body(call("GET", "/admin/tokens?user=bob", bearer(root), ""), 200).get("tokens"))
                .extracting(t -> t.get("token_id").asText()).containsExactly(tokenId(second));

        fixture.clock.advance(Duration.ofMinutes(31));
        String admin = fixture.token("root", "r");
        assertThat(body(call("GET", "/admin/tokens", bearer(admin), ""), 200).get("tokens"))
                .as("root's first token expired").extracting(t -> t.get("token_id").asText())
                .containsExactly(tokenId(second), tokenId(admin));
    }

    @Test
    void callers_needTheAdminRole_orProxyAuthsAdminToken() throws IOException {
        String bobs = fixture.token("bob", "b");
        assertThat(error(call("GET", "/admin/users", MapHeaders.empty(), ""), 401)).isEqualTo("missing_token");
        assertThat(error(call("GET", "/admin/users", bearer("garbage"), ""), 401)).isEqualTo("invalid_token");
        assertThat(error(call("GET", "/admin/tokens", bearer(bobs), ""), 403)).isEqualTo("forbidden");
        assertThat(error(call("DELETE", "/admin/users/root", bearer(bobs), ""), 403)).isEqualTo("forbidden");
        assertThat(error(call("GET", "/admin/users", MapHeaders.of("X-Auth-Token", ADMIN_TOKEN), ""), 401))
                .as("no proxyauth section: the header means nothing").isEqualTo("missing_token");

        try (GatewayFixture compat = new GatewayFixture(dir.resolve("compat"), """
                users: [ { username: bob, password: b } ]
                proxyauth: { admin-token: "%s" }
                """.formatted(ADMIN_TOKEN))) {
            GatewayResponse byAdminToken = compat.gateway.ownEndpoint(Fixtures.request("GET", "/admin/users",
                    MapHeaders.of("X-Auth-Token", ADMIN_TOKEN), "")).orElseThrow().toResponse();
            assertThat(body(byAdminToken, 200).get("users")).extracting(u -> u.get("username").asText())
                    .containsExactly("bob");
            GatewayResponse wrong = compat.gateway.ownEndpoint(Fixtures.request("GET", "/admin/users",
                    MapHeaders.of("X-Auth-Token", ADMIN_TOKEN.replace('0', '1')), "")).orElseThrow().toResponse();
            assertThat(error(wrong, 401)).isEqualTo("invalid_admin_token");
        }
    }

    @Test
    void wrongMethodsAndPaths() throws IOException {
        GatewayResponse post = call("POST", "/admin/tokens", bearer(root), "");
        assertThat(error(post, 405)).isEqualTo("method_not_allowed");
        assertThat(post.headers()).contains(new Header("Allow", "GET"));
        assertThat(call("PATCH", "/admin/users/bob", bearer(root), "").headers())
                .contains(new Header("Allow", "GET, PUT, DELETE"));
        assertThat(error(call("GET", "/admin/revoke", bearer(root), ""), 405)).isEqualTo("method_not_allowed");
        assertThat(error(call("GET", "/admin/tokens?user=a&user=b", bearer(root), ""), 400))
                .isEqualTo("invalid_request");
        assertThat(error(call("GET", "/admin/tokens?limit=3", bearer(root), ""), 400)).isEqualTo("invalid_request");
        assertThat(error(call("GET", "/admin/users/b%zzob", bearer(root), ""), 400)).isEqualTo("invalid_username");
        assertThat(error(call("GET", "/admin/users/%E2%82%AC", bearer(root), ""), 400)).isEqualTo("invalid_username");
        for (String other : List.of("/admin/users/a/b", "/admin/users/", "/admin", "/admin/other")) {
            assertThat(fixture.gateway.ownEndpoint(Fixtures.request("GET", other, bearer(root), "")))
                    .as(other + " belongs to the routes").isEmpty();
        }
    }

    @Test
    void users_listAndGet_neverShowHashesOrSecrets() throws IOException {
        GatewayResponse list = call("GET", "/admin/users", bearer(root), "");
        JsonNode users = body(list, 200).get("users");
        assertThat(users).extracting(u -> u.get("username").asText()).containsExactly("bob", "root");
        assertThat(users.get(1).get("roles")).extracting(JsonNode::asText).containsExactly("admin");
        assertThat(users.get(1).get("source").asText()).isEqualTo("config");
        assertThat(users.get(1).get("totp").asBoolean()).isFalse();
        assertThat(new String(list.body(), StandardCharsets.UTF_8)).doesNotContain("argon2");

        assertThat(body(call("GET", "/admin/users/bob", bearer(root), ""), 200).get("user").get("username")
                .asText()).isEqualTo("bob");
        assertThat(error(call("GET", "/admin/users/carol", bearer(root), ""), 404)).isEqualTo("no_such_user");
    }

    @Test
    void put_createsAUser_whoCanLogIn() throws IOException {
        GatewayResponse created = call("PUT", "/admin/users/carol", json(bearer(root)),
                "{\"password\":\"c4rol\",\"roles\":[\"dev\",\"ops\",\"dev\"],\"allow\":[\"198.51.100.0/24\"]}");

        JsonNode body = body(created, 201);
        assertThat(body.get("created").asBoolean()).isTrue();
        assertThat(body.get("user").get("roles")).extracting(JsonNode::asText).containsExactly("dev", "ops");
        assertThat(body.get("user").get("allow")).extracting(JsonNode::asText).containsExactly("198.51.100.0/24");
        assertThat(body.get("user").get("source").asText()).isEqualTo("store");
        assertThat(fixture.stores.users().findUser("carol").orElseThrow().passwordHash()).startsWith("$argon2id$");
        assertThat(fixture.gateway.issueToken().issue(Fixtures.login("carol", "c4rol"))).isInstanceOf(Issued.class);
        HostileClientsTest.assertRejected(fixture.gateway.issueToken().issue(Fixtures.login("carol", "wrong")), 401,
                "invalid_credentials", "wrong_password");
    }

    @Test
    void put_newPassword_revokesEarlierTokens_andKeepsTheOtherFields() throws IOException {
        call("PUT", "/admin/users/carol", json(bearer(root)), "{\"password\":\"one\",\"roles\":[\"dev\"]}");
        String before = fixture.token("carol", "one");
        fixture.clock.advance(Duration.ofSeconds(1));

        JsonNode changed = body(call("PUT", "/admin/users/carol", json(bearer(root)), "{\"password\":\"two\"}"), 200);

        assertThat(changed.get("created").asBoolean()).isFalse();
        assertThat(changed.get("tokens_revoked").asBoolean()).isTrue();
        assertThat(changed.get("user").get("roles")).extracting(JsonNode::asText).containsExactly("dev");
        RevokeTokensTest.assertRevoked(fixture.gateway.checkToken().authenticate(bearer(before)));
        fixture.clock.advance(Duration.ofSeconds(1));
        HostileClientsTest.assertRejected(fixture.gateway.issueToken().issue(Fixtures.login("carol", "one")), 401,
                "invalid_credentials", "wrong_password");
        assertThat(fixture.gateway.checkToken().authenticate(bearer(fixture.token("carol", "two"))))
                .isInstanceOf(Authenticated.class);
    }

    @Test
    void put_takingARoleAway_revokes_addingOneDoesNot() throws IOException {
        call("PUT", "/admin/users/carol", json(bearer(root)), "{\"password\":\"c\",\"roles\":[\"dev\"]}");
        String token = fixture.token("carol", "c");
        fixture.clock.advance(Duration.ofSeconds(1));

        assertThat(body(call("PUT", "/admin/users/carol", json(bearer(root)), "{\"roles\":[\"dev\",\"ops\"]}"), 200)
                .get("tokens_revoked").asBoolean()).isFalse();
        assertThat(fixture.gateway.checkToken().authenticate(bearer(token))).isInstanceOf(Authenticated.class);

        assertThat(body(call("PUT", "/admin/users/carol", json(bearer(root)), "{\"roles\":[\"ops\"]}"), 200)
                .get("tokens_revoked").asBoolean()).isTrue();
        RevokeTokensTest.assertRevoked(fixture.gateway.checkToken().authenticate(bearer(token)));
    }

    @Test
    void put_aPasswordHash_isStoredAsGiven_andNameMayBePercentEncoded() throws IOException {
        String hash = fixture.stores.users().findUser("bob").orElseThrow().passwordHash();
        body(call("PUT", "/admin/users/a%2Fb", json(bearer(root)), "{\"password_hash\":\"" + hash + "\"}"), 201);
        assertThat(fixture.stores.users().findUser("a/b").orElseThrow().passwordHash()).isEqualTo(hash);
        assertThat(fixture.gateway.issueToken().issue(Fixtures.login("a/b", "b"))).isInstanceOf(Issued.class);
    }

    @Test
    void put_andDelete_refuseUsersTheConfigLists() throws IOException {
        assertThat(error(call("PUT", "/admin/users/bob", json(bearer(root)), "{\"roles\":[]}"), 409))
                .isEqualTo("managed_by_config");
        assertThat(error(call("DELETE", "/admin/users/bob", bearer(root), ""), 409)).isEqualTo("managed_by_config");
        assertThat(fixture.stores.users().findUser("bob")).isPresent();
    }

    @Test
    void put_badBodies_are400() throws IOException {
        for (String bad : List.of("{}", "{\"password\":\"\"}", "{\"password\":5}", "{\"password\":\"x\",\"admin\":true}",
                "{\"password\":\"x\",\"password_hash\":\"$argon2id$x\"}", "{\"password_hash\":\"plain\"}",
                "{\"password\":\"x\",\"roles\":[\"a b\"]}", "{\"password\":\"x\",\"roles\":\"dev\"}",
                "{\"password\":\"x\",\"allow\":[\"10.0.0.0/33\"]}", "[1]", "not json",
                "{\"password\":\"" + "x".repeat(1025) + "\"}")) {
            assertThat(call("PUT", "/admin/users/carol", json(bearer(root)), bad).status()).as(bad).isEqualTo(400);
        }
        assertThat(error(call("PUT", "/admin/users/carol", bearer(root).add("Content-Type", "text/plain"),
                "{\"password\":\"x\"}"), 400)).isEqualTo("unsupported_content_type");
        assertThat(error(call("PUT", "/admin/users/carol", json(bearer(root)),
                "{\"password\":\"" + "x".repeat(20_000) + "\"}"), 413)).isEqualTo("payload_too_large");
        assertThat(fixture.stores.users().findUser("carol")).isEmpty();
    }

    @Test
    void delete_removesTheUser_andRevokesTheirTokens() throws IOException {
        call("PUT", "/admin/users/carol", json(bearer(root)), "{\"password\":\"c\"}");
        String token = fixture.token("carol", "c");

        JsonNode removed = body(call("DELETE", "/admin/users/carol", bearer(root), ""), 200);

        assertThat(removed.get("removed").asText()).isEqualTo("carol");
        RevokeTokensTest.assertRevoked(fixture.gateway.checkToken().authenticate(bearer(token)));
        HostileClientsTest.assertRejected(fixture.gateway.issueToken().issue(Fixtures.login("carol", "c")), 401,
                "invalid_credentials", "unknown_user");
        assertThat(error(call("DELETE", "/admin/users/carol", bearer(root), ""), 404)).isEqualTo("no_such_user");
    }

    @Test
    void reconfigured_keepsTheTokensSeen() throws IOException {
        String bobs = fixture.token("bob", "b");
        try (Gateway reloaded = fixture.gateway.reconfigured(fixture.config)) {
            GatewayResponse list = reloaded.ownEndpoint(Fixtures.request("GET", "/admin/tokens", bearer(root), ""))
                    .orElseThrow().toResponse();
            assertThat(body(list, 200).get("tokens")).extracting(t -> t.get("token_id").asText())
                    .contains(tokenId(bobs));
        }
    }

    private GatewayResponse call(String method, String path, MapHeaders headers, String body) {
        Optional<Reply> reply = fixture.gateway.ownEndpoint(Fixtures.request(method, path, headers, body));
        assertThat(reply).as(method + " " + path + " is the gateway's").isPresent();
        return reply.get().toResponse();
    }

    private static MapHeaders json(MapHeaders headers) {
        return headers.add("Content-Type", "application/json");
    }

    private static JsonNode body(GatewayResponse response, int status) throws IOException {
        assertThat(response.status()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/json");
        return JSON.readTree(response.body());
    }

    private static String error(GatewayResponse response, int status) throws IOException {
        return body(response, status).get("error").asText();
    }

    private String tokenId(String token) {
        return ((Authenticated) fixture.gateway.checkToken().authenticate(bearer(token))).claims().tokenId().value();
    }
}
