package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.core.jwt.JwtMint;
import io.portcullis.core.port.SessionCredentialStore;
import io.portcullis.core.session.AesGcmCredentials;
import io.portcullis.core.session.CredentialKey;
import io.portcullis.core.token.Identity;
import io.portcullis.core.token.SecretBytes;
import io.portcullis.core.token.TokenId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JWT routes, cookies and credential injection through the core, on in-memory stores. */
class JwtModeTest {
    private static final RSAKey RSA = JwtMint.rsa("rsa-1");
    private static final String USER_PASS_B64 = Base64.getEncoder().encodeToString(
            "alice@mail:s3cret".getBytes(StandardCharsets.UTF_8));
    static final String CREDENTIAL_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    @TempDir
    Path dir;
    private GatewayFixture fixture;
    private Instant now;

    private static String yaml(String format) {
        return """
                users: [ { username: admin, password: a, roles: [admin] } ]
                jwt:
                  issuer: https://idp.example
                  cookie: Authorization
                  cookie-base64: true
                  keys:
                    - { algorithm: HS512, secret: "%s" }
                    - { kid: rsa-1, algorithm: RS256, public-key: "%s" }
                sessions: %s
                routes:
                  - { prefix: /mail, target: "http://backend:9000", token: jwt, inject-credentials: true }
                  - { prefix: /api, target: "http://backend:9000", token: any, roles: [dev] }
                  - { prefix: /own, target: "http://backend:9000" }
                """.formatted(JwtMint.HMAC_SECRET, JwtMint.pemYaml(RSA), format);
    }

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, yaml("{ format: base64 }"));
        now = fixture.clock.instant();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private JWTClaimsSet.Builder claims(String subject) {
        return JwtMint.claims(subject, now).issuer("https://idp.example");
    }

    private String hs512(JWTClaimsSet claims) {
        return JwtMint.hmac(JWSAlgorithm.HS512, JwtMint.HMAC_SECRET, claims);
    }

    private ForwardDecision forward(String path, MapHeaders headers) {
        return fixture.gateway.forward().forward(Fixtures.get(path, headers));
    }

    private static Map<String, String> added(ForwardingPlan plan) {
        return plan.addHeaders().stream().collect(Collectors.toMap(Header::name, Header::value, (a, b) -> b));
    }

    @Test
    void forward_jwtBearer_onAnAnyRoute_admitsByTheRolesClaim() {
        String dev = JwtMint.sign(RSA, claims("carol").claim("roles", List.of("dev")).build());
        String ops = JwtMint.sign(RSA, claims("dave").claim("roles", List.of("ops")).build());

        ForwardingPlan plan = (ForwardingPlan) forward("/api/x", GatewayFixture.bearer(dev));

        assertThat(added(plan)).containsEntry("x-user", "carol").containsEntry("x-user-roles", "dev");
        assertThat(plan.identity().orElseThrow().tokenId().value()).matches("[0-9a-f]{32}");
        assertThat(((Rejection) forward("/api/x", GatewayFixture.bearer(ops))).status()).isEqualTo(403);
    }

    @Test
    void forward_portcullisTokenOnAnAnyRoute_stillWorks_butAJwtOnAPortcullisRoute_is401() {
        String admin = fixture.token("admin", "a");
        String jwt = hs512(claims("carol").build());

        assertThat(forward("/own/x", GatewayFixture.bearer(admin))).isInstanceOf(ForwardingPlan.class);
        assertThat(((Rejection) forward("/own/x", GatewayFixture.bearer(jwt))).status()).isEqualTo(401);
    }

    @Test
    void forward_badJwts_are401WithAJsonBody() throws Exception {
        RSAKey stranger = JwtMint.rsa("rsa-1");
        String valid = hs512(claims("carol").build());
        String[] parts = valid.split("\\.");
        Map<String, String> bad = Map.of(
                "tampered", parts[0] + "." + JwtMint.hyperAuthProxyCookie("x", false).replace("=", "") + parts[1]
                        + "." + parts[2],
                "expired", hs512(claims("carol").issueTime(Date.from(now.minusSeconds(7200)))
                        .expirationTime(Date.from(now.minusSeconds(3600))).build()),
                "not yet valid", hs512(claims("carol").notBeforeTime(Date.from(now.plusSeconds(3600))).build()),
                "wrong issuer", hs512(JwtMint.claims("carol", now).issuer("https://evil.example").build()),
                "alg none", JwtMint.unsecured(claims("carol").build()),
                "hs256 with the rsa public key", JwtMint.hmac(JWSAlgorithm.HS256, JwtMint.pem(RSA),
                        claims("carol").build()),
                "another rsa key", JwtMint.sign(stranger, claims("carol").build()));

        for (Map.Entry<String, String> token : bad.entrySet()) {
            Rejection rejection = (Rejection) forward("/api/x", GatewayFixture.bearer(token.getValue()));
            JsonNode body = new ObjectMapper().readTree(rejection.toResponse().body());
            assertThat(rejection.status()).as(token.getKey()).isEqualTo(401);
            assertThat(body.get("error").asText()).as(token.getKey()).isEqualTo("invalid_token");
            assertThat(rejection.toResponse().headers()).as(token.getKey())
                    .contains(new Header("Content-Type", "application/json"));
        }
    }

    @Test
    void forward_injectsTheSessionsCredentials_andDropsOnlyTheJwtCookie() {
        fixture.stores.sessions().save("session-carol", USER_PASS_B64, Optional.empty());
        String cookie = JwtMint.hyperAuthProxyCookie(hs512(claims("carol").build()), false);

        ForwardingPlan plan = (ForwardingPlan) forward("/mail/inbox", MapHeaders.of(
                "Cookie", "theme=dark; Authorization=" + cookie + "; lang=fr",
                "Authorization", "Basic ZXZpbDpldmls"));

        assertThat(plan.addHeaders()).contains(new Header("Authorization", "Basic " + USER_PASS_B64),
                new Header("Cookie", "theme=dark; lang=fr"));
        assertThat(plan.forwardsRequestHeader("Cookie")).isFalse();
        assertThat(plan.forwardsRequestHeader("Authorization")).isFalse();
        assertThat(added(plan)).containsEntry("x-user", "carol");
    }

    @Test
    void forward_cookieForms_plainBase64_jsonQuoted_rfcQuoted_allWork() {
        fixture.stores.sessions().save("session-carol", USER_PASS_B64, Optional.empty());
        String jwt = hs512(claims("carol").build());

        for (String value : List.of(JwtMint.hyperAuthProxyCookie(jwt, false), JwtMint.hyperAuthProxyCookie(jwt, true),
                "\"" + JwtMint.hyperAuthProxyCookie(jwt, true) + "\"")) {
            assertThat(forward("/mail/x", MapHeaders.of("Cookie", "Authorization=" + value)))
                    .as(value).isInstanceOf(ForwardingPlan.class);
        }
    }

    @Test
    void forward_malformedCookies_are401_neverACrash() {
        String jwt = hs512(claims("carol").build());
        String good = JwtMint.hyperAuthProxyCookie(jwt, false);
        String loneQuoteInside = Base64.getEncoder().encodeToString(("\"" + jwt).getBytes(StandardCharsets.UTF_8));
        String notUtf8 = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});

        for (String cookie : List.of("Authorization=!!!not-base64!!!", "Authorization=\"", "Authorization=\"" + good,
                "Authorization=" + loneQuoteInside, "Authorization=" + notUtf8, "Authorization=",
                "Authorization=" + good + "; Authorization=" + good,
                "Authorization=" + Base64.getEncoder().encodeToString("a.b.c".getBytes(StandardCharsets.UTF_8)))) {
            Rejection rejection = (Rejection) forward("/mail/x", MapHeaders.of("Cookie", cookie));
            assertThat(rejection.status()).as(cookie).isEqualTo(401);
            assertThat(rejection.error()).as(cookie).isIn("invalid_token", "missing_token");
        }
    }

    @Test
    void forward_plainCookie_whenNotBase64() {
        fixture.close();
        fixture = new GatewayFixture(dir, """
                jwt:
                  cookie: jwt
                  keys: [ { algorithm: HS512, secret: "%s" } ]
                routes: [ { prefix: /app, target: "http://backend:9000", token: jwt } ]
                """.formatted(JwtMint.HMAC_SECRET));
        String jwt = hs512(JwtMint.claims("carol", now).build());

        ForwardingPlan plan = (ForwardingPlan) forward("/app", MapHeaders.of("Cookie", "a=1; jwt=" + jwt));

        assertThat(added(plan)).containsEntry("x-user", "carol").containsEntry("Cookie", "a=1");
    }

    @Test
    void forward_unknownOrDeletedSession_is401_atOnce() {
        SessionCredentialStore sessions = fixture.stores.sessions();
        sessions.save("session-carol", USER_PASS_B64, Optional.empty());
        MapHeaders headers = GatewayFixture.bearer(hs512(claims("carol").build()));
        assertThat(forward("/mail/x", headers)).isInstanceOf(ForwardingPlan.class);

        sessions.remove("session-carol");

        Rejection rejection = (Rejection) forward("/mail/x", headers);
        assertThat(rejection.status()).isEqualTo(401);
        assertThat(rejection.error()).isEqualTo("invalid_session");
        assertThat(rejection.reason()).isEqualTo("unknown_session");
        Rejection noSid = (Rejection) forward("/mail/x", GatewayFixture.bearer(hs512(claims("carol")
                .claim("sid", null).build())));
        assertThat(noSid.reason()).isEqualTo("no_session_claim");
    }

    @Test
    void forward_unusableStoredCredentials_is401() {
        fixture.stores.sessions().save("session-carol", "not base64 at all", Optional.empty());

        Rejection rejection = (Rejection) forward("/mail/x", GatewayFixture.bearer(hs512(claims("carol").build())));

        assertThat(rejection.status()).isEqualTo(401);
        assertThat(rejection.reason()).isEqualTo("unusable_credentials");
    }

    @Test
    void forward_aesGcmCredentials_openForTheirSession_tamperedOrForeignAre401() {
        fixture.close();
        fixture = new GatewayFixture(dir, yaml("{ format: aes-gcm, keys: [ { id: c1, key: \"" + CREDENTIAL_KEY
                + "\" } ] }"));
        AesGcmCredentials sealer = new AesGcmCredentials(List.of(CredentialKey.fromBase64("c1",
                SecretBytes.copyOf(CREDENTIAL_KEY.getBytes(StandardCharsets.US_ASCII)))), new SecureRandom());
        String sealed = sealer.seal("session-carol", "alice@mail:s3cret");
        MapHeaders carol = GatewayFixture.bearer(hs512(claims("carol").build()));
        SessionCredentialStore sessions = fixture.stores.sessions();

        sessions.save("session-carol", sealed, Optional.empty());
        assertThat(((ForwardingPlan) forward("/mail/x", carol)).addHeaders())
                .contains(new Header("Authorization", "Basic " + USER_PASS_B64));

        char last = sealed.charAt(sealed.length() - 3);
        sessions.save("session-carol", sealed.substring(0, sealed.length() - 3) + (last == 'A' ? 'B' : 'A')
                + sealed.substring(sealed.length() - 2), Optional.empty());
        assertThat(((Rejection) forward("/mail/x", carol)).status()).isEqualTo(401);

        sessions.save("session-carol", sealer.seal("session-dave", "dave:pw"), Optional.empty());
        assertThat(((Rejection) forward("/mail/x", carol)).reason()).isEqualTo("unusable_credentials");
    }

    @Test
    void forward_sessionStoreDown_throwsStoreUnavailable_forThe503() {
        SessionCredentialStore down = new SessionCredentialStore() {
            @Override
            public Optional<String> credentials(String sessionId) {
                throw new StoreUnavailableException("Redis down", null);
            }

            @Override
            public void save(String sessionId, String credentials, Optional<Instant> expiresAt) {
            }

            @Override
            public boolean remove(String sessionId) {
                return false;
            }
        };
        try (Gateway gateway = Gateway.create(fixture.config, fixture.stores.withSessions(down), fixture.clock)) {
            GatewayRequest request = Fixtures.get("/mail/x", GatewayFixture.bearer(hs512(claims("carol").build())));

            assertThatThrownBy(() -> gateway.forward().forward(request)).isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void forward_revokedJwtUser_is401() {
        fixture.stores.sessions().save("session-carol", USER_PASS_B64, Optional.empty());
        MapHeaders carol = GatewayFixture.bearer(hs512(claims("carol").build()));
        fixture.clock.advance(Duration.ofSeconds(1));

        fixture.stores.revocations().revokeIssuedUpTo("carol", fixture.clock.instant());

        assertThat(((Rejection) forward("/mail/x", carol)).reason()).isEqualTo("revoked");
    }

    @Test
    void forward_anAuthorizersIdentity_isNotEnoughForARouteThatInjects() {
        Identity claimed = new Identity("carol", List.of(), new TokenId("0123456789abcdef0123456789abcdef"),
                java.time.Instant.now().plusSeconds(600));

        ForwardDecision decision = fixture.gateway.forward().forward(Fixtures.get("/mail/x", MapHeaders.empty()),
                Optional.of(claimed));

        assertThat(((Rejection) decision).status()).isEqualTo(401);
    }

    @Test
    void checkAccess_acceptsAJwtCookie_onAJwtRoute_asAnAuthorizerWould() {
        String cookie = "Authorization=" + JwtMint.hyperAuthProxyCookie(hs512(claims("carol").build()), true);

        AuthResult result = fixture.gateway.forward().checkAccess(MapHeaders.of("Cookie", cookie), "/mail/x");

        assertThat(result).isInstanceOf(Authenticated.class);
        assertThat(((Authenticated) result).claims().subject()).isEqualTo("carol");
        assertThat(fixture.gateway.forward().checkAccess(MapHeaders.of("Cookie", cookie), "/own/x"))
                .isInstanceOf(Rejection.class);
    }

    @Test
    void logout_withAJwt_revokesThatJwt() {
        MapHeaders carol = GatewayFixture.bearer(hs512(claims("carol").claim("roles", List.of("dev")).build()));
        assertThat(forward("/api/x", carol)).isInstanceOf(ForwardingPlan.class);

        assertThat(fixture.gateway.ownEndpoint(Fixtures.request("POST", "/logout", carol, "")).orElseThrow())
                .isInstanceOf(Revoked.class);

        assertThat(((Rejection) forward("/api/x", carol)).reason()).isEqualTo("revoked");
    }
}
