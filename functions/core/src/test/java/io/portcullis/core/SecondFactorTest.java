package io.portcullis.core;

import static io.portcullis.core.GatewayFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.totp.Base32;
import io.portcullis.core.totp.Totp;
import io.portcullis.core.totp.TotpAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TOTP at login and the enrolment flow, on a hand-moved clock. */
class SecondFactorTest {
    /** 160 bits, as the gateway makes them. */
    static final String CAROL_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private static final Pattern SECRET_IN_URI = Pattern.compile("[?&]secret=([A-Z2-7]+)");
    private static final Totp TOTP = new Totp(TotpAlgorithm.SHA1, 6);

    @TempDir
    Path dir;
    private GatewayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, """
                users:
                  - { username: alice, password: a }
                  - { username: carol, password: c, totp-secret: %s }
                rate-limits: { auth: { requests-per-second: 100, burst: 100 } }
                """.formatted(CAROL_SECRET));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void enrolledUser_needsACode_andEachCodeWorksOnce() {
        assertThat(login("carol", "c", null)).isEqualTo(401);
        assertThat(error(loginResponse("carol", "c", null))).isEqualTo("totp_required");
        assertThat(error(loginResponse("carol", "c", wrong(code(CAROL_SECRET)))))
                .isEqualTo("invalid_credentials");
        String code = code(CAROL_SECRET);

        assertThat(login("carol", "c", code)).isEqualTo(200);
        assertThat(loginResponse("carol", "c", code).status()).as("the same code again").isEqualTo(401);
        assertThat(login("carol", "wrong", code(CAROL_SECRET, 1))).as("a code never rescues a wrong password")
                .isEqualTo(401);
    }

    @Test
    void aCodeFromTheNextStep_works_andThenTheCurrentStepsCodeIsSpent() {
        String next = code(CAROL_SECRET, 1);
        String current = code(CAROL_SECRET);

        assertThat(login("carol", "c", next)).isEqualTo(200);
        assertThat(login("carol", "c", current)).as("an earlier step after a later one").isEqualTo(401);
        fixture.clock.advance(Duration.ofSeconds(60));
        assertThat(login("carol", "c", code(CAROL_SECRET))).isEqualTo(200);
    }

    @Test
    void usersWithoutASecret_logInWithThePasswordAlone_unlessTotpIsRequired() throws Exception {
        assertThat(login("alice", "a", null)).isEqualTo(200);

        try (GatewayFixture required = new GatewayFixture(dir.resolve("required"), """
                users:
                  - { username: alice, password: a }
                  - { username: carol, password: c, totp-secret: %s }
                totp: { required: true }
                """.formatted(CAROL_SECRET))) {
            GatewayResponse alice = required.gateway.issueToken().issue(Fixtures.login("alice", "a")).toResponse();
            assertThat(alice.status()).isEqualTo(401);
            assertThat(error(alice)).isEqualTo("totp_not_enrolled");
            assertThat(required.gateway.issueToken().issue(loginRequest("carol", "c", code(CAROL_SECRET)))
                    .toResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void wrongCodes_countAgainstTheLoginLimit() throws Exception {
        try (GatewayFixture limited = new GatewayFixture(dir.resolve("limited"), """
                users:
                  - { username: carol, password: c, totp-secret: %s }
                rate-limits: { auth: { requests-per-second: 0.01, burst: 3 } }
                """.formatted(CAROL_SECRET))) {
            int[] statuses = new int[4];
            for (int i = 0; i < statuses.length; i++) {
                statuses[i] = limited.gateway.issueToken().issue(loginRequest("carol", "c", "12345" + i))
                        .toResponse().status();
            }
            assertThat(statuses).containsExactly(401, 401, 401, 429);
        }
    }

    @Test
    void enrolment_returnsTheUriOnce_isEnforcedOnlyAfterConfirmation() {
        String token = fixture.token("alice", "a");

        GatewayResponse enrolled = own("/auth/totp/enrol", token, "");
        assertThat(enrolled.status()).isEqualTo(200);
        assertThat(enrolled.headers()).contains(new Header("Cache-Control", "no-store"));
        String uri = Json.tree(enrolled.body()).get("otpauth_uri").asText();
        assertThat(uri).startsWith("otpauth://totp/Portcullis:alice?secret=").endsWith(
                "&issuer=Portcullis&algorithm=SHA1&digits=6&period=30");
        String secret = secretOf(uri);
        assertThat(login("alice", "a", null)).as("not enforced before confirmation").isEqualTo(200);

        assertThat(own("/auth/totp/confirm", token, "{\"code\":\"" + wrong(code(secret)) + "\"}").status())
                .isEqualTo(403);
        assertThat(own("/auth/totp/confirm", token, "{\"code\":\"" + code(secret) + "\"}").status()).isEqualTo(204);

        assertThat(error(loginResponse("alice", "a", null))).isEqualTo("totp_required");
        assertThat(login("alice", "a", code(secret))).as("the confirming code is spent").isEqualTo(401);
        fixture.clock.advance(Duration.ofSeconds(30));
        assertThat(login("alice", "a", code(secret))).isEqualTo(200);
    }

    @Test
    void reEnrolment_needsACodeFromTheCurrentSecret_andNothingEverReturnsIt() {
        String token = fixture.token("carol", "c", code(CAROL_SECRET));

        GatewayResponse withoutCode = own("/auth/totp/enrol", token, "");
        assertThat(withoutCode.status()).isEqualTo(400);
        assertThat(error(withoutCode)).isEqualTo("code_required");
        assertThat(own("/auth/totp/enrol", token, "{\"code\":\"" + wrong(code(CAROL_SECRET)) + "\"}").status())
                .isEqualTo(403);
        fixture.clock.advance(Duration.ofSeconds(30));

        GatewayResponse replaced = own("/auth/totp/enrol", token, "{\"code\":\"" + code(CAROL_SECRET) + "\"}");
        assertThat(replaced.status()).isEqualTo(200);
        String newSecret = secretOf(Json.tree(replaced.body()).get("otpauth_uri").asText());
        assertThat(newSecret).isNotEqualTo(CAROL_SECRET);
        for (GatewayResponse response : new GatewayResponse[] {withoutCode, replaced}) {
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain(CAROL_SECRET);
        }
        fixture.clock.advance(Duration.ofSeconds(30));
        String later = fixture.token("carol", "c", code(CAROL_SECRET));
        fixture.clock.advance(Duration.ofSeconds(30));
        GatewayResponse again = own("/auth/totp/enrol", later, "{\"code\":\"" + code(CAROL_SECRET) + "\"}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(new String(again.body(), StandardCharsets.UTF_8)).as("a second enrolment shows a new secret only")
                .doesNotContain(newSecret).doesNotContain(CAROL_SECRET);
    }

    @Test
    void confirm_withoutAPendingEnrolment_is409_andEnrolmentNeedsAToken() {
        String token = fixture.token("alice", "a");

        assertThat(own("/auth/totp/confirm", token, "{\"code\":\"123456\"}").status()).isEqualTo(409);
        assertThat(fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth/totp/enrol", MapHeaders.empty(), ""))
                .orElseThrow().toResponse().status()).isEqualTo(401);
        assertThat(own("/auth/totp/confirm", token, "[1]").status()).isEqualTo(400);
    }

    private GatewayResponse own(String path, String token, String body) {
        return fixture.gateway.ownEndpoint(Fixtures.request("POST", path,
                bearer(token).add("Content-Type", "application/json"), body)).orElseThrow().toResponse();
    }

    private int login(String user, String password, String code) {
        return loginResponse(user, password, code).status();
    }

    private GatewayResponse loginResponse(String user, String password, String code) {
        return fixture.gateway.issueToken().issue(loginRequest(user, password, code)).toResponse();
    }

    private static GatewayRequest loginRequest(String user, String password, String code) {
        return Fixtures.request("POST", "/auth", MapHeaders.of("Content-Type", "application/json"),
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\""
                        + (code == null ? "" : ",\"totp_code\":\"" + code + "\"") + "}");
    }

    private String code(String secret) {
        return code(secret, 0);
    }

    private String code(String secret, int stepsAhead) {
        return TOTP.code(Base32.decode(secret), Totp.step(fixture.clock.instant()) + stepsAhead);
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    private static String secretOf(String uri) {
        Matcher matcher = SECRET_IN_URI.matcher(uri);
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private static String error(GatewayResponse response) {
        return Json.tree(response.body()).get("error").asText();
    }
}
