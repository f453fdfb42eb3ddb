package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.core.token.Claims;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssueTokenTest {
    @TempDir
    Path dir;
    private GatewayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, """
                users:
                  - { username: alice, password: wonderland, roles: [admin, ops] }
                  - { username: lan, password: local-only, allow: [10.0.0.0/8] }
                rate-limits: { auth: { requests-per-second: 1, burst: 3 } }
                trusted-proxies: [198.51.100.0/24]
                """);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void issue_rightPassword_returnsBearerTokenWithExpiry() throws Exception {
        LoginResult result = issue(Fixtures.login("alice", "wonderland"));

        assertThat(result).isInstanceOf(Issued.class);
        GatewayResponse response = result.toResponse();
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(response.status()).isEqualTo(200);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(3600);
        assertThat(Instant.parse(body.get("expires_at").asText())).isEqualTo(Instant.parse("2026-11-22T11:00:00Z"));
        assertThat(response.headers()).contains(new Header("Cache-Control", "no-store"), new Header("RateLimit-Limit", "3"));
        Claims claims = ((Issued) result).claims();
        assertThat(claims.subject()).isEqualTo("alice");
        assertThat(claims.roles()).containsExactly("admin", "ops");
        assertThat(result.toString()).doesNotContain(body.get("token").asText());
    }

    @Test
    void issue_formBody_works() {
        LoginResult result = issue(Fixtures.request("POST", "/auth",
                MapHeaders.of("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"),
                "username=alice&password=wonder%6Cand"));

        assertThat(result).isInstanceOf(Issued.class);
    }

    @Test
    void issue_wrongPasswordAndUnknownUser_lookTheSameToTheClient() {
        Rejection wrong = (Rejection) issue(Fixtures.login("alice", "nope"));
        Rejection unknown = (Rejection) issue(Fixtures.login("mallory", "nope"));

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(new String(wrong.toResponse().body())).isEqualTo(new String(unknown.toResponse().body()));
        assertThat(wrong.reason()).isEqualTo("wrong_password");
        assertThat(unknown.reason()).isEqualTo("unknown_user");
    }

    @Test
    void issue_fromAddressOutsideAllowList_isRefusedLikeAWrongPassword() {
        Rejection outside = (Rejection) issue(Fixtures.login("lan", "local-only"));

        assertThat(outside.status()).isEqualTo(401);
        assertThat(outside.reason()).isEqualTo("address_not_allowed");
        assertThat(issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"lan\",\"password\":\"local-only\"}", "10.1.2.3"))).isInstanceOf(Issued.class);
    }

    @Test
    void issue_allowListUsesForwardedForOnlyFromTrustedProxy() {
        MapHeaders forwarded = MapHeaders.of("Content-Type", "application/json", "X-Forwarded-For", "10.9.9.9");
        String body = "{\"username\":\"lan\",\"password\":\"local-only\"}";

        assertThat(issue(Fixtures.request("POST", "/auth", forwarded, body, "198.51.100.7"))).isInstanceOf(Issued.class);
        HostileClientsTest.assertRejected(issue(Fixtures.request("POST", "/auth", forwarded, body, "203.0.113.7")),
                401, "invalid_credentials", "address_not_allowed");
    }

    @Test
    void issue_fieldLengths_upToTheirLimits_andEmptyOptionalFieldsAreAbsent() throws Exception {
        String name = "u".repeat(128);
        assertThat(issue(Fixtures.login(name, "p".repeat(1024)))).as("the longest username and password")
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.reason()).isEqualTo("unknown_user"));
        assertBadRequest(Fixtures.login(name + "u", "p"), "invalid_request");
        assertBadRequest(Fixtures.login("alice", "p".repeat(1025)), "invalid_request");
        fixture.clock.advance(java.time.Duration.ofSeconds(10));
        assertThat(issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"alice\",\"password\":\"wonderland\",\"totp_code\":\"  \",\"redirect\":\"\"}")))
                .as("an empty code and redirect are none").isInstanceOf(Issued.class);
        fixture.clock.advance(java.time.Duration.ofSeconds(10));
        assertThat(issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"alice\",\"password\":\"wonderland\",\"totp_code\":\"" + "1".repeat(16) + "\"}")))
                .as("a 16-digit code is read (alice has no second factor)").isInstanceOf(Issued.class);
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"alice\",\"password\":\"wonderland\",\"totp_code\":\"" + "1".repeat(17) + "\"}"),
                "invalid_request");
    }

    @Test
    void issue_reportsTheTighterOfTheTwoLimits() {
        for (int i = 0; i < 2; i++) {
            issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                    "{\"username\":\"alice\",\"password\":\"guess\"}", "203.0.113." + (i + 30)));
        }
        Rejection third = (Rejection) issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type",
                "application/json"), "{\"username\":\"alice\",\"password\":\"guess\"}", "203.0.113.40"));
        assertThat(third.headers()).as("alice's budget is spent; the address has 2 left")
                .contains(new Header("RateLimit-Remaining", "0"));

        Rejection fresh = (Rejection) issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type",
                "application/json"), "{\"username\":\"nobody\",\"password\":\"guess\"}", "203.0.113.40"));
        assertThat(fresh.headers()).as("the address has 1 left, nobody's name 2")
                .contains(new Header("RateLimit-Remaining", "1"));
    }

    @Test
    void issue_aBlankTotpCode_isNoCode() throws Exception {
        try (GatewayFixture totp = new GatewayFixture(dir.resolve("totp"), """
                users: [ { username: carol, password: c, totp-secret: GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ } ]
                """)) {
            HostileClientsTest.assertRejected(totp.gateway.issueToken().issue(Fixtures.request("POST", "/auth",
                    MapHeaders.of("Content-Type", "application/json"),
                    "{\"username\":\"carol\",\"password\":\"c\",\"totp_code\":\" \"}")), 401, "totp_required",
                    "totp_required");
        }
    }

    @Test
    void issue_trailingGarbageAfterTheJson_is400() throws Exception {
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"alice\",\"password\":\"wonderland\"}garbage"), "invalid_json");
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"alice\",\"password\":\"wonderland\"} {\"username\":\"x\"}"), "invalid_json");
        fixture.clock.advance(java.time.Duration.ofSeconds(10));
        assertThat(issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"alice\",\"password\":\"wonderland\"}\r\n"))).as("whitespace is no garbage")
                .isInstanceOf(Issued.class);
    }

    @Test
    void issue_unknownUser_costsOneArgon2Check_andALimitedAttemptNone() {
        PasswordPoolCounter checks = new PasswordPoolCounter();
        HostileClientsTest.assertRejected(issue(Fixtures.login("mallory", "guess")), 401, "invalid_credentials",
                "unknown_user");
        assertThat(checks.since()).as("the unknown user is checked against the dummy hash").isEqualTo(1);

        for (int i = 0; i < 3; i++) {
            issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                    "{\"username\":\"alice\",\"password\":\"guess\"}", "203.0.113." + (i + 10)));
        }
        checks.reset();
        HostileClientsTest.assertRejected(issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type",
                "application/json"), "{\"username\":\"alice\",\"password\":\"wonderland\"}", "203.0.113.20")),
                429, "rate_limited", "rate_limited");
        assertThat(checks.since()).as("the per-username limit refuses before Argon2 runs").isZero();
        HostileClientsTest.assertRejected(issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type",
                "application/json"), "{\"username\":\"nobody\",\"password\":\"x\"}", "203.0.113.20")),
                401, "invalid_credentials", "unknown_user");
        issue(Fixtures.login("x1", "y"));
        issue(Fixtures.login("x2", "y"));
        checks.reset();
        HostileClientsTest.assertRejected(issue(Fixtures.login("x3", "y")), 429, "rate_limited", "rate_limited");
        assertThat(checks.since()).as("so does the per-address limit").isZero();
    }

    @Test
    void dummyHash_hasTheParametersMostStoredHashesHave() {
        io.portcullis.core.password.Passwords configured = new io.portcullis.core.password.Passwords(
                new io.portcullis.core.password.Argon2Params(64, 1, 1));
        String older = new io.portcullis.core.password.Passwords(new io.portcullis.core.password.Argon2Params(128, 2,
                1)).hash("x".toCharArray());
        String argon2i = "$argon2i$v=19$m=256,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";

        assertThat(IssueToken.dummyHash(configured, java.util.List.of(older, older, argon2i,
                configured.hash("y".toCharArray())))).startsWith("$argon2id$v=19$m=128,t=2,p=1$");
        assertThat(IssueToken.dummyHash(configured, java.util.List.of(argon2i, argon2i, older)))
                .startsWith("$argon2i$v=19$m=256,t=3,p=1$");
        assertThat(IssueToken.dummyHash(configured, java.util.List.of())).as("no stored hashes: today's parameters")
                .startsWith("$argon2id$v=19$m=64,t=1,p=1$");
        assertThat(IssueToken.dummyHash(configured, java.util.List.of(older, configured.hash("y".toCharArray()))))
                .as("a tie: today's parameters").startsWith("$argon2id$v=19$m=64,t=1,p=1$");
        assertThat(fixture.gateway.issueToken().dummyHash()).as("the fixture's users are hashed at today's")
                .startsWith("$argon2id$v=19$m=64,t=1,p=1$");
    }

    /** Counts the Argon2 checks the fixture's pool runs from now on. */
    private final class PasswordPoolCounter {
        private long base = fixture.gateway.passwordPool().checksRun();

        long since() {
            return fixture.gateway.passwordPool().checksRun() - base;
        }

        void reset() {
            base = fixture.gateway.passwordPool().checksRun();
        }
    }

    @Test
    void issue_badBodies_are400WithJsonError() throws Exception {
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"), "{not json"),
                "invalid_json");
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"), "[1]"),
                "invalid_json");
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "text/plain"), "alice"),
                "unsupported_content_type");
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.empty(), "{}"), "unsupported_content_type");
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"alice\"}"), "invalid_request");
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"alice\",\"password\":42}"), "invalid_request");
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"a\",\"username\":\"b\",\"password\":\"x\"}"), "invalid_json");
        assertBadRequest(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/x-www-form-urlencoded"),
                "username=%zz&password=x"), "invalid_request");
    }

    @Test
    void issue_oversizedBody_is413() {
        Rejection rejection = (Rejection) issue(Fixtures.request("POST", "/auth",
                MapHeaders.of("Content-Type", "application/json"), "{\"username\":\"" + "a".repeat(20_000) + "\"}"));

        assertThat(rejection.status()).isEqualTo(413);
    }

    @Test
    void issue_limitedPerUsername_acrossAddresses() {
        for (int i = 0; i < 3; i++) {
            issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                    "{\"username\":\"alice\",\"password\":\"guess\"}", "203.0.113." + (i + 1)));
        }
        LoginResult fourth = issue(Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"alice\",\"password\":\"wonderland\"}", "203.0.113.99"));

        assertThat(fourth).isInstanceOfSatisfying(Rejection.class, r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.headers()).contains(new Header("Retry-After", "1"));
        });
    }

    @Test
    void issue_limitedPerAddress_acrossUsernames() {
        for (int i = 0; i < 3; i++) {
            issue(Fixtures.login("user" + i, "guess"));
        }

        assertThat(issue(Fixtures.login("alice", "wonderland"))).isInstanceOfSatisfying(Rejection.class,
                r -> assertThat(r.status()).isEqualTo(429));
    }

    private LoginResult issue(GatewayRequest request) {
        return fixture.gateway.issueToken().issue(request);
    }

    private void assertBadRequest(GatewayRequest request, String error) throws Exception {
        fixture.clock.advance(java.time.Duration.ofSeconds(10));
        LoginResult result = issue(request);
        assertThat(result).as(error).isInstanceOf(Rejection.class);
        GatewayResponse response = result.toResponse();
        assertThat(response.status()).isEqualTo(400);
        assertThat(new ObjectMapper().readTree(response.body()).get("error").asText()).isEqualTo(error);
        assertThat(response.contentType()).isEqualTo("application/json");
    }
}
