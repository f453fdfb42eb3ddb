package io.portcullis.core;

import static io.portcullis.core.HostileClientsTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.core.jwt.JwtMint;
import io.portcullis.core.memory.InMemoryRateLimiter;
import io.portcullis.core.memory.InMemoryRevocations;
import io.portcullis.core.memory.InMemoryUsers;
import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWTs in hostile hands (issue 16, items 6, 8, 9): a revoked token must not come back written another way, its
 * revocation must last as long as it can be accepted, the JWT cookie must not act for another site, and roles an
 * identity provider asserts never administer the gateway.
 */
class JwtHostileClientsTest {
    private static final ECKey EC = JwtMint.ec("ec-1");
    /** The order of P-256's base point: {@code (r, n − s)} verifies wherever {@code (r, s)} does. */
    private static final BigInteger P256_ORDER = new BigInteger(
            "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    /** What the gateway asked the store to keep, and until when. */
    private final Map<TokenId, Instant> kept = new LinkedHashMap<>();
    private Gateway gateway;
    private Instant now;

    @BeforeEach
    void setUp() {
        var config = Fixtures.config(dir, """
                users: [ { username: admin, password: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA", roles: [admin] } ]
                rate-limits: { proxy: { requests-per-second: 0 }, auth: { requests-per-second: 0 } }
                jwt:
                  clock-skew: 60s
                  cookie: jwt
                  default-route-token: jwt
                  keys:
                    - { algorithm: HS512, secret: "%s" }
                    - { kid: ec-1, algorithm: ES256, public-key: "%s" }
                routes:
                  - { prefix: /api, target: "http://backend:9000" }
                  - { prefix: /hooks, target: "http://backend:9000", csrf: false }
                """.formatted(JwtMint.HMAC_SECRET, JwtMint.pemYaml(EC)));
        InMemoryRevocations memory = new InMemoryRevocations(clock);
        RevocationStore recording = new RevocationStore() {
            @Override
            public void revokeToken(TokenId tokenId, Instant expiresAt) {
                kept.put(tokenId, expiresAt);
                memory.revokeToken(tokenId, expiresAt);
            }

            @Override
            public void revokeIssuedUpTo(String subject, Instant cutoff) {
                memory.revokeIssuedUpTo(subject, cutoff);
            }

            @Override
            public boolean isRevoked(Claims claims) {
                return memory.isRevoked(claims);
            }
        };
        gateway = Gateway.create(config, new Gateway.Stores(new InMemoryUsers(List.of()), recording,
                new InMemoryRateLimiter(clock)), clock);
        now = clock.instant();
    }

    @AfterEach
    void tearDown() {
        gateway.close();
    }

    @Test
    void aRevokedJwtWithoutJti_doesNotComeBackWithPaddingOrStrayBits() {
        String jwt = hs512(JwtMint.claims("carol", now).build());
        assertThat(forward("GET", MapHeaders.of("Authorization", "Bearer " + jwt))).isInstanceOf(ForwardingPlan.class);
        assertThat(revokeOwn(jwt).toResponse().status()).isEqualTo(204);

        for (String variant : List.of(jwt + "=", jwt + "==", withLastCharacter(jwt, 1), jwt.replace(".", "=."),
                jwt.replace(".", "+."))) {
            ForwardDecision decision = forward("GET", MapHeaders.of("Authorization", "Bearer " + variant));
            assertThat(decision).as(variant.substring(variant.length() - 4)).isInstanceOfSatisfying(Rejection.class,
                    r -> assertThat(r.status()).isEqualTo(401));
        }
        assertRejected(forward("GET", MapHeaders.of("Authorization", "Bearer " + jwt + "=")), 401, "invalid_token",
                "jwt_malformed");
    }

    @Test
    void anEs256Signature_writtenAsRAndNMinusS_isTheSameTokenToRevocation() {
        String jwt = JwtMint.sign(EC, JwtMint.claims("carol", now).build());
        String malleated = malleate(jwt);
        assertThat(malleated).isNotEqualTo(jwt);
        ForwardingPlan original = (ForwardingPlan) forward("GET", MapHeaders.of("Authorization", "Bearer " + jwt));
        ForwardingPlan other = (ForwardingPlan) forward("GET", MapHeaders.of("Authorization", "Bearer " + malleated));
        assertThat(other.identity().orElseThrow().tokenId()).as("one signed content, one token id")
                .isEqualTo(original.identity().orElseThrow().tokenId());

        assertThat(revokeOwn(jwt).toResponse().status()).isEqualTo(204);

        assertRejected(forward("GET", MapHeaders.of("Authorization", "Bearer " + malleated)), 401, "invalid_token",
                "revoked");
    }

    @Test
    void aJwtRevocation_isKeptUntilTheTokenCannotBeAcceptedAnyMore_expiryPlusSkew() {
        Instant exp = now.plusSeconds(600);
        String jwt = hs512(JwtMint.claims("carol", now).expirationTime(Date.from(exp)).build());
        clock.advance(Duration.ofSeconds(630));
        assertThat(forward("GET", MapHeaders.of("Authorization", "Bearer " + jwt)))
                .as("30 s past exp, within the 60 s skew: still accepted").isInstanceOf(ForwardingPlan.class);

        assertThat(revokeOwn(jwt).toResponse().status()).isEqualTo(204);

        assertThat(kept.values()).containsExactly(exp.plusSeconds(60));
        assertRejected(forward("GET", MapHeaders.of("Authorization", "Bearer " + jwt)), 401, "invalid_token",
                "revoked");
    }

    @Test
    void aPortcullisTokensRevocation_isKeptUntilItsExpiry() throws Exception {
        try (GatewayFixture fixture = new GatewayFixture(dir.resolve("own"), """
                users: [ { username: alice, password: a } ]
                """)) {
            String token = fixture.token("alice", "a");
            Claims claims = ((Authenticated) fixture.gateway.checkToken().authenticate(
                    GatewayFixture.bearer(token))).claims();
            assertThat(new Authenticated(claims).acceptedUntil()).isEqualTo(claims.expiresAt());
        }
    }

    @Test
    void theJwtCookie_changesStateOnlyFromThisSitesPages() {
        String jwt = hs512(JwtMint.claims("carol", now).build());
        MapHeaders cookie = MapHeaders.of("Cookie", "jwt=" + jwt, "Host", "gw.example");

        assertThat(forward("GET", cookie)).as("reading needs no proof").isInstanceOf(ForwardingPlan.class);
        assertRejected(forward("POST", cookie), 403, "forbidden", "origin_not_allowed");
        assertRejected(forward("POST", with(cookie, "Origin", "https://evil.example")), 403, "forbidden",
                "origin_not_allowed");
        assertRejected(forward("DELETE", with(cookie, "Origin", "null")), 403, "forbidden", "origin_not_allowed");
        assertThat(forward("POST", with(cookie, "Origin", "http://gw.example"))).isInstanceOf(ForwardingPlan.class);
        assertThat(gateway.forward().forward(Fixtures.request("POST", "/hooks/x", cookie, "")))
                .as("csrf: false").isInstanceOf(ForwardingPlan.class);
        assertThat(forward("POST", MapHeaders.of("Authorization", "Bearer " + jwt))).as("a bearer JWT")
                .isInstanceOf(ForwardingPlan.class);
        assertRejected(gateway.ownEndpoint(Fixtures.request("POST", "/auth/revoke", cookie, "")).orElseThrow(), 403,
                "forbidden", "origin_not_allowed");
        assertThat(kept).as("nothing was revoked").isEmpty();
    }

    @Test
    void authorizerIdentity_doesNotStandInForACookie_whichOnlyTheForwarderCanCheck() {
        String jwt = hs512(JwtMint.claims("carol", now).build());
        var someone = new io.portcullis.core.token.Identity("carol", List.of(), TokenId.random(
                new java.security.SecureRandom()), now.plusSeconds(3600));

        ForwardDecision decision = gateway.forward().forward(Fixtures.request("POST", "/api/x",
                MapHeaders.of("Cookie", "jwt=" + jwt), ""), java.util.Optional.of(someone));

        assertRejected(decision, 403, "forbidden", "origin_not_allowed");
    }

    @Test
    void aJwtClaimingTheAdminRole_doesNotAdministerTheGateway() {
        String jwt = hs512(JwtMint.claims("mallory", now).claim("roles", List.of("admin")).build());

        Reply answer = gateway.ownEndpoint(Fixtures.request("POST", "/admin/revoke", MapHeaders.of(
                "Authorization", "Bearer " + jwt, "Content-Type", "application/json"), "{\"user\":\"admin\"}"))
                .orElseThrow();

        assertThat(answer).isInstanceOfSatisfying(Rejection.class, r -> {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.error()).isEqualTo("invalid_token");
        });
        assertThat(gateway.ownEndpoint(Fixtures.request("GET", "/admin/users", MapHeaders.of("Authorization",
                "Bearer " + jwt), "")).orElseThrow().toResponse().status()).isEqualTo(401);
    }

    private ForwardDecision forward(String method, MapHeaders headers) {
        return gateway.forward().forward(Fixtures.request(method, "/api/x", headers, ""));
    }

    private Reply revokeOwn(String jwt) {
        return gateway.ownEndpoint(Fixtures.request("POST", "/auth/revoke", MapHeaders.of("Authorization",
                "Bearer " + jwt), "")).orElseThrow();
    }

    private static String hs512(JWTClaimsSet claims) {
        return JwtMint.hmac(JWSAlgorithm.HS512, JwtMint.HMAC_SECRET, claims);
    }

    private static MapHeaders with(MapHeaders headers, String name, String value) {
        MapHeaders copy = MapHeaders.empty();
        headers.forEach(copy::add);
        return copy.add(name, value);
    }

    /** The token with the signature's last character's unused low bits set: decoders read the same bytes. */
    private static String withLastCharacter(String jwt, int bits) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = jwt.charAt(jwt.length() - 1);
        return jwt.substring(0, jwt.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | bits);
    }

    /** The ES256 token with its signature {@code (r, s)} replaced by {@code (r, n − s)}. */
    private static String malleate(String jwt) {
        int dot = jwt.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(jwt.substring(dot + 1));
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
        byte[] flipped = P256_ORDER.subtract(s).toByteArray();
        byte[] out = signature.clone();
        java.util.Arrays.fill(out, 32, 64, (byte) 0);
        int length = Math.min(32, flipped.length);
        System.arraycopy(flipped, flipped.length - length, out, 64 - length, length);
        return jwt.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }
}
