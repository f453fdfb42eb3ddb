package io.portcullis.core;

import static io.portcullis.core.GatewayFixture.bearer;
import static io.portcullis.core.HostileClientsTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.core.jwt.JwtMint;
import io.portcullis.core.jwt.JwtVerifier;
import io.portcullis.core.memory.InMemoryRateLimiter;
import io.portcullis.core.memory.InMemoryRevocations;
import io.portcullis.core.memory.InMemoryUsers;
import io.portcullis.core.port.JwksFetcher;
import io.portcullis.core.token.Identity;
import io.portcullis.core.token.TokenCodec;
import io.portcullis.core.token.TokenId;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token rules at their edges, so that no one-line break of them goes unnoticed: what each refusal says, which
 * keys a JWT is checked against (and when the JWKS is consulted), how a token id is derived, where the longest
 * token lies, when an authorizer's identity stands and when the cookie must be checked here.
 */
class TokenRuleEdgesTest {
    private static final ECKey EC = JwtMint.ec("ec-1");
    private static final RSAKey PUBLISHED = JwtMint.rsa("pub-1");

    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private final AtomicInteger fetches = new AtomicInteger();
    private Gateway gateway;
    private Instant now;

    @BeforeEach
    void setUp() {
        var config = Fixtures.config(dir, """
                rate-limits: { proxy: { requests-per-second: 0 }, auth: { requests-per-second: 0 } }
                browser: { cookie: sid }
                jwt:
                  clock-skew: 0s
                  cookie: jwt
                  jwks-url: http://127.0.0.1/jwks
                  keys:
                    - { algorithm: HS512, secret: "%s" }
                    - { kid: ec-1, algorithm: ES256, public-key: "%s" }
                routes:
                  - { prefix: /jwt, target: "http://backend:9000", token: jwt }
                  - { prefix: /any, target: "http://backend:9000", token: any }
                  - { prefix: /own, target: "http://backend:9000" }
                """.formatted(JwtMint.HMAC_SECRET, JwtMint.pemYaml(EC)));
        JwksFetcher fetcher = url -> {
            fetches.incrementAndGet();
            return new JWKSet(PUBLISHED.toPublicJWK()).toString();
        };
        gateway = Gateway.create(config, new Gateway.Stores(new InMemoryUsers(List.of()),
                new InMemoryRevocations(clock), new InMemoryRateLimiter(clock)), fetcher, clock);
        now = clock.instant();
    }

    @AfterEach
    void tearDown() {
        gateway.close();
    }

    @Test
    void theJwks_isConsultedOnlyForAsymmetricTokens_thatNoConfiguredKeyIsNamedFor() {
        assertThat(forward("/jwt/x", bearer(hs512(claims("carol"))))).isInstanceOf(ForwardingPlan.class);
        assertThat(forward("/jwt/x", bearer(JwtMint.sign(EC, claims("carol"))))).isInstanceOf(ForwardingPlan.class);
        assertRejected(forward("/jwt/x", bearer(JwtMint.sign(JwtMint.ec("ec-1"), claims("carol")))), 401,
                "invalid_token", "jwt_bad_signature");
        assertThat(fetches).as("HMAC, and a kid a configured key bears: no fetch").hasValue(0);

        assertThat(forward("/jwt/x", bearer(JwtMint.sign(PUBLISHED, claims("carol"))))).isInstanceOf(
                ForwardingPlan.class);
        assertThat(fetches).hasValue(1);
        assertThat(forward("/jwt/x", bearer(JwtMint.sign(EC, claims("carol"), h -> h.keyID(null)))))
                .as("no kid: every key of the algorithm, the configured one verifies").isInstanceOf(
                        ForwardingPlan.class);
        assertRejected(forward("/jwt/x", bearer(JwtMint.sign(JwtMint.rsa("pub-1"), claims("carol")))), 401,
                "invalid_token", "jwt_bad_signature");
    }

    @Test
    void anEmptyKid_isNoKid() {
        assertThat(forward("/jwt/x", bearer(JwtMint.sign(EC, claims("carol"), h -> h.keyID("")))))
                .isInstanceOf(ForwardingPlan.class);
    }

    @Test
    void aJwtWithJti_isNamedByIssuerAndJti_whatEverElseItSays() {
        TokenId first = tokenId(hs512(new JWTClaimsSet.Builder(claims("carol")).jwtID("j-1").issuer("idp").build()));
        TokenId again = tokenId(hs512(new JWTClaimsSet.Builder(claims("carol")).jwtID("j-1").issuer("idp")
                .claim("roles", List.of("dev")).build()));
        TokenId other = tokenId(hs512(new JWTClaimsSet.Builder(claims("carol")).jwtID("j-2").issuer("idp").build()));
        TokenId elsewhere = tokenId(hs512(new JWTClaimsSet.Builder(claims("carol")).jwtID("j-1").issuer("idp2")
                .build()));
        TokenId emptyJti = tokenId(hs512(new JWTClaimsSet.Builder(claims("carol")).jwtID("").build()));
        TokenId emptyJtiOther = tokenId(hs512(new JWTClaimsSet.Builder(claims("dave")).jwtID("").build()));

        assertThat(again).isEqualTo(first);
        assertThat(List.of(other, elsewhere, emptyJti)).doesNotContain(first);
        assertThat(emptyJtiOther).as("an empty jti is none: named by the content").isNotEqualTo(emptyJti);
    }

    @Test
    void theLongestJwt_isAccepted_oneCharacterMoreIsNot() {
        String exact = null;
        for (int subject = 1; exact == null && subject < 8; subject++) {
            for (int padding = 5000; padding < 6300; padding++) {
                String jwt = hs512(new JWTClaimsSet.Builder(claims("c".repeat(subject)))
                        .claim("pad", "x".repeat(padding)).build());
                if (jwt.length() == JwtVerifier.MAX_LENGTH) {
                    exact = jwt;
                    break;
                }
            }
        }
        assertThat(exact).as("a token of exactly the longest length").isNotNull();

        assertThat(forward("/jwt/x", bearer(exact))).isInstanceOf(ForwardingPlan.class);
        assertRejected(forward("/jwt/x", bearer(exact + "A")), 401, "invalid_token", "jwt_malformed");
    }

    @Test
    void eachRefusal_saysWhatIsWrong() {
        String expiredJwt = hs512(new JWTClaimsSet.Builder(claims("carol")).issueTime(Date.from(now.minusSeconds(
                7200))).expirationTime(Date.from(now.minusSeconds(1))).build());
        Rejection expired = (Rejection) forward("/jwt/x", bearer(expiredJwt));
        assertThat(expired.reason()).isEqualTo("jwt_expired");
        assertThat(expired.message()).isEqualTo("the token has expired");
        Rejection forged = (Rejection) forward("/jwt/x", bearer(JwtMint.hmac(JWSAlgorithm.HS512,
                JwtMint.HMAC_SECRET.replace('Z', 'Y'), claims("carol"))));
        assertThat(forged.reason()).isEqualTo("jwt_bad_signature");
        assertThat(forged.message()).isEqualTo("the token is not valid");

        TokenCodec codec = new TokenCodec(gateway.config().tokens().keyRing(), new SecureRandom());
        String ours = codec.mintAndEncode(new io.portcullis.core.token.Claims("alice", TokenId.random(
                new SecureRandom()), now.minusSeconds(60), now.plusSeconds(60), List.of()));
        clock.advance(Duration.ofSeconds(60));
        Rejection stale = (Rejection) forward("/own/x", bearer(ours));
        assertThat(stale.reason()).isEqualTo("expired");
        assertThat(stale.message()).isEqualTo("the token has expired");
        Rejection garbage = (Rejection) forward("/own/x", bearer("not-a-token"));
        assertThat(garbage.reason()).isNotEqualTo("expired");
        assertThat(garbage.message()).isEqualTo("the token is not valid");
        assertRejected(forward("/any/x", bearer(".a.b")), 401, "invalid_token", "jwt_malformed");
    }

    @Test
    void anAuthorizersIdentity_standsWhenTheBearerHeaderAuthenticated_evenBesideACookie() {
        Identity carol = new Identity("carol", List.of(), TokenId.random(new SecureRandom()), now.plusSeconds(3600));

        ForwardDecision withBearer = gateway.forward().forward(Fixtures.request("GET", "/own/x", MapHeaders.of(
                "Authorization", "Bearer checked-by-the-authorizer", "Cookie", "sid=whatever"), ""),
                Optional.of(carol));
        ForwardDecision withoutCookies = gateway.forward().forward(Fixtures.get("/jwt/x", MapHeaders.empty()),
                Optional.of(carol));

        assertThat(withBearer).isInstanceOfSatisfying(ForwardingPlan.class,
                plan -> assertThat(plan.identity()).contains(carol));
        assertThat(withoutCookies).isInstanceOfSatisfying(ForwardingPlan.class,
                plan -> assertThat(plan.identity()).contains(carol));
        assertRejected(gateway.forward().forward(Fixtures.get("/own/x", MapHeaders.of("Cookie", "sid=forged")),
                Optional.of(carol)), 401, "invalid_token", "malformed");
    }

    @Test
    void aJwtShapedTokenWithoutTheJwtSection_isNotAJwtWeKnow() throws Exception {
        try (GatewayFixture plain = new GatewayFixture(dir.resolve("plain"), "users: [ { username: a, password: a } ]\n")) {
            assertRejected(plain.gateway.ownEndpoint(Fixtures.request("POST", "/auth/revoke", bearer("a.b.c"), ""))
                    .orElseThrow(), 401, "invalid_token", "jwt_not_configured");
        }
    }

    private ForwardDecision forward(String path, MapHeaders headers) {
        return gateway.forward().forward(Fixtures.get(path, headers));
    }

    private TokenId tokenId(String jwt) {
        return ((ForwardingPlan) forward("/jwt/x", bearer(jwt))).identity().orElseThrow().tokenId();
    }

    private JWTClaimsSet claims(String subject) {
        return JwtMint.claims(subject, now).build();
    }

    private static String hs512(JWTClaimsSet claims) {
        return JwtMint.hmac(JWSAlgorithm.HS512, JwtMint.HMAC_SECRET, claims);
    }
}
