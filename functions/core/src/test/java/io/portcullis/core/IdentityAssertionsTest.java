package io.portcullis.core;

import static io.portcullis.core.GatewayFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.portcullis.core.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity assertions, checked as a backend would: a Nimbus JWT processor whose keys come from the gateway's
 * {@code GET /.well-known/jwks.json}, which demands the route's audience, the issuer and an unexpired token.
 */
class IdentityAssertionsTest {
    static final String ROUTES = """
            users:
              - { username: alice, password: a, roles: [admin, dev] }
            rate-limits:
              auth: { requests-per-second: 1000, burst: 1000 }
              proxy: { requests-per-second: 1000, burst: 1000 }
            store: { type: memory }
            routes:
              - { prefix: /api, target: "http://127.0.0.1:9000", identity-assertion: true }
              - { prefix: /other, target: "http://127.0.0.1:9001", identity-assertion: true }
              - { prefix: /plain, target: "http://127.0.0.1:9002" }
            """;
    static final String GENERATED = "identity-assertions: { issuer: \"https://gw.example\" }\n";

    @TempDir
    Path dir;
    private GatewayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, GENERATED + ROUTES);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void theAssertion_verifiesAgainstTheJwks_andSaysWhoAndForWhichRoute() throws Exception {
        String token = fixture.token("alice", "a");

        String assertion = assertion(fixture, "/api/x", token);

        JWTClaimsSet claims = backend(fixture, "/api").process(assertion, null);
        assertThat(claims.getIssuer()).isEqualTo("https://gw.example");
        assertThat(claims.getAudience()).containsExactly("/api");
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringListClaim("roles")).containsExactly("admin", "dev");
        assertThat(claims.getJWTID()).isEqualTo(identity(token).tokenId().value());
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(SignedJWT.parse(assertion).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    }

    @Test
    void anotherRoutesAudience_isRejected() throws Exception {
        String assertion = assertion(fixture, "/api/x", fixture.token("alice", "a"));

        assertThatThrownBy(() -> backend(fixture, "/other").process(assertion, null))
                .isInstanceOf(BadJOSEException.class).hasMessageContaining("audience");
    }

    @Test
    void anExpiredAssertion_isRejected() throws Exception {
        String assertion = assertion(fixture, "/api/x", fixture.token("alice", "a"));
        fixture.clock.advance(Duration.ofSeconds(60));

        assertThatThrownBy(() -> backend(fixture, "/api").process(assertion, null))
                .isInstanceOf(BadJOSEException.class).hasMessageContaining("xpired");
    }

    @Test
    void anAssertion_neverOutlivesTheToken() throws Exception {
        try (GatewayFixture shortTokens = new GatewayFixture(dir.resolve("short"), "ttl-seconds: 20",
                GENERATED + ROUTES)) {
            String token = shortTokens.token("alice", "a");
            shortTokens.clock.advance(Duration.ofMillis(5500));

            JWTClaimsSet claims = backend(shortTokens, "/api").process(assertion(shortTokens, "/api/x", token), null);

            assertThat(claims.getExpirationTime().toInstant()).isEqualTo(Instant.parse("2026-11-22T10:00:20Z"));
        }
    }

    @Test
    void anAssertion_isReusedWhileMostOfItsLifeIsLeft_perTokenAndRoute() throws Exception {
        String token = fixture.token("alice", "a");
        String first = assertion(fixture, "/api/x", token);

        fixture.clock.advance(Duration.ofSeconds(29));
        assertThat(assertion(fixture, "/api/y", token)).as("same token and route, 31 s of 60 left").isEqualTo(first);
        assertThat(assertion(fixture, "/other/y", token)).as("another route").isNotEqualTo(first);
        assertThat(assertion(fixture, "/api/y", fixture.token("alice", "a"))).as("another token").isNotEqualTo(first);

        fixture.clock.advance(Duration.ofSeconds(1));
        String renewed = assertion(fixture, "/api/z", token);
        assertThat(renewed).as("half its life gone: signed anew").isNotEqualTo(first);
        assertThat(backend(fixture, "/api").process(renewed, null).getExpirationTime().toInstant())
                .isEqualTo(Instant.parse("2026-11-22T10:01:30Z"));
    }

    @Test
    void aClientsOwnAssertionHeader_neverReachesTheBackend_andOtherRoutesGetNone() {
        String token = fixture.token("alice", "a");
        MapHeaders forged = bearer(token).add("X-Portcullis-Assertion", "eyJ.forged.x");

        ForwardingPlan api = (ForwardingPlan) fixture.gateway.forward().forward(Fixtures.get("/api/x", forged));
        ForwardingPlan plain = (ForwardingPlan) fixture.gateway.forward().forward(Fixtures.get("/plain/x", forged));

        assertThat(api.forwardsRequestHeader("x-portcullis-assertion")).isFalse();
        assertThat(api.addHeaders()).filteredOn(h -> h.name().equals("x-portcullis-assertion")).hasSize(1)
                .allSatisfy(h -> assertThat(h.value()).isNotEqualTo("eyJ.forged.x"));
        assertThat(plain.forwardsRequestHeader("x-portcullis-assertion")).isFalse();
        assertThat(plain.addHeaders()).noneMatch(h -> h.name().equals("x-portcullis-assertion"));
    }

    @Test
    void generatedKeys_rotate_theNewOnePublishedBeforeItSigns_theOldOneUntilItsAssertionsExpired()
            throws Exception {
        String token = fixture.token("alice", "a");
        String kidOf1 = keyId(assertion(fixture, "/api/x", token));

        fixture.clock.advance(Duration.ofDays(7));
        String token2 = fixture.token("alice", "a");
        String stillOld = assertion(fixture, "/api/x", token2);
        assertThat(keyId(stillOld)).as("the new key only publishes for now").isEqualTo(kidOf1);
        assertThat(jwksKeyIds(fixture)).hasSize(2).contains(kidOf1);

        fixture.clock.advance(Duration.ofMinutes(2));
        String signedByNew = assertion(fixture, "/api/x", fixture.token("alice", "a"));
        String kidOf2 = keyId(signedByNew);
        assertThat(kidOf2).isNotEqualTo(kidOf1);
        assertThat(backend(fixture, "/api", stillOldClock(stillOld)).process(stillOld, null).getSubject())
                .as("the old key's last assertions still verify").isEqualTo("alice");

        fixture.clock.advance(Duration.ofMinutes(3));
        assertThat(jwksKeyIds(fixture)).containsExactly(kidOf2);
        assertThatThrownBy(() -> backend(fixture, "/api", stillOldClock(stillOld)).process(stillOld, null))
                .as("a removed key's assertion is rejected, even by a verifier that thinks it unexpired")
                .isInstanceOf(BadJOSEException.class);
    }

    @Test
    void configuredKeys_theFirstPrivateOneSigns_andAKeyRemovedByAReload_isPublishedUntilItsAssertionsExpired()
            throws Exception {
        String yaml = ROUTES + """
                identity-assertions:
                  keys:
                    - { kid: a1, algorithm: ES256, private-key: "%s" }
                """.formatted(pem("EC"));
        try (GatewayFixture configured = new GatewayFixture(dir.resolve("conf"), yaml)) {
            String token = configured.token("alice", "a");
            String byA1 = assertion(configured, "/api/x", token);
            assertThat(keyId(byA1)).isEqualTo("a1");

            Gateway reloaded = configured.gateway.reconfigured(io.portcullis.core.config.ConfigLoader.load(
                    Fixtures.write(dir.resolve("conf2"), "portcullis.yaml", Fixtures.baseYaml() + ROUTES + """
                            identity-assertions:
                              keys:
                                - { kid: b1, algorithm: EdDSA, private-key: "%s" }
                            """.formatted(pem("Ed25519"))), Map.of()));
            try {
                ForwardingPlan plan = (ForwardingPlan) reloaded.forward().forward(Fixtures.get("/api/x",
                        bearer(token)));
                String byB1 = plan.addHeaders().stream().filter(h -> h.name().equals("x-portcullis-assertion"))
                        .findFirst().orElseThrow().value();
                assertThat(keyId(byB1)).isEqualTo("b1");
                assertThat(SignedJWT.parse(byB1).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
                JWKSet published = JWKSet.parse(new String(reloaded.ownEndpoint(Fixtures.get(
                        "/.well-known/jwks.json", MapHeaders.empty())).orElseThrow().toResponse().body(),
                        StandardCharsets.UTF_8));
                assertThat(published.getKeys()).extracting(k -> k.getKeyID()).containsExactlyInAnyOrder("b1", "a1");
                assertThat(backend(published, "/api", configured.clock::instant).process(byA1, null).getSubject())
                        .isEqualTo("alice");
                assertThat(verifyEd25519(published, byB1, "/api", configured.clock.instant()).getSubject())
                        .as("Nimbus's processor has no EdDSA; a backend uses its Ed25519 verifier (on Tink)")
                        .isEqualTo("alice");

                configured.clock.advance(Duration.ofMinutes(2).plusSeconds(1));
                JWKSet later = JWKSet.parse(new String(reloaded.ownEndpoint(Fixtures.get("/.well-known/jwks.json",
                        MapHeaders.empty())).orElseThrow().toResponse().body(), StandardCharsets.UTF_8));
                assertThat(later.getKeys()).extracting(k -> k.getKeyID()).containsExactly("b1");
                assertThatThrownBy(() -> backend(later, "/api", stillOldClock(byA1)).process(byA1, null))
                        .isInstanceOf(BadJOSEException.class);
            } finally {
                reloaded.close();
            }
        }
    }

    @Test
    void theJwks_isNotServedWithoutTheSection_andOnlyToGet() throws Exception {
        assertThat(fixture.gateway.ownEndpoint(Fixtures.request("POST", "/.well-known/jwks.json", MapHeaders.empty(),
                "")).orElseThrow().toResponse().status()).isEqualTo(405);
        try (GatewayFixture off = new GatewayFixture(dir.resolve("off"), ROUTES.replace(", identity-assertion: true",
                ""))) {
            GatewayResponse response = off.gateway.ownEndpoint(Fixtures.get("/.well-known/jwks.json",
                    MapHeaders.empty())).orElseThrow().toResponse();
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.contentType()).isEqualTo("application/json");
        }
    }

    @Test
    void configProblems_areNamedByKey() throws Exception {
        assertThatThrownBy(() -> new GatewayFixture(dir.resolve("p1"), ROUTES).close())
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes.0.identity-assertion: needs the "
                        + "identity-assertions section");
        assertThatThrownBy(() -> new GatewayFixture(dir.resolve("p2"), GENERATED
                + "routes: [ { prefix: /o, target: \"http://127.0.0.1:9\", secure: false, "
                + "identity-assertion: true } ]\n")
                .close()).isInstanceOf(ConfigException.class).hasMessageContaining("routes.0.identity-assertion");
        assertThatThrownBy(() -> new GatewayFixture(dir.resolve("p3"), ROUTES + """
                identity-assertions:
                  lifetime: 5m
                  keys: [ { kid: x, algorithm: RS256, private-key: "nope" } ]
                """).close()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("identity-assertions.lifetime: must be between 2 and 60 seconds")
                .hasMessageContaining("identity-assertions.keys.0.algorithm: must be ES256 or EdDSA");
        assertThatThrownBy(() -> new GatewayFixture(dir.resolve("p4"), ROUTES + """
                identity-assertions:
                  keys:
                    - kid: x
                      algorithm: ES256
                      private-key: "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----"
                """).close()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("identity-assertions.keys.0.private-key: not a ES256 private key");
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static String assertion(GatewayFixture fixture, String path, String token) {
        ForwardingPlan plan = (ForwardingPlan) fixture.gateway.forward().forward(Fixtures.get(path, bearer(token)));
        return plan.addHeaders().stream().filter(h -> h.name().equals("x-portcullis-assertion")).findFirst()
                .orElseThrow().value();
    }

    private io.portcullis.core.token.Identity identity(String token) {
        return ((Authenticated) fixture.gateway.checkToken().authenticate(bearer(token))).claims().identity();
    }

    /** A backend's verifier: keys from the gateway's JWKS now, time from the fixture's clock. */
    private static DefaultJWTProcessor<SecurityContext> backend(GatewayFixture fixture, String audience)
            throws Exception {
        return backend(fixture, audience, fixture.clock::instant);
    }

    private static DefaultJWTProcessor<SecurityContext> backend(GatewayFixture fixture, String audience,
            java.util.function.Supplier<Instant> now) throws Exception {
        return backend(JWKSet.parse(new String(fixture.gateway.ownEndpoint(Fixtures.get("/.well-known/jwks.json",
                MapHeaders.empty())).orElseThrow().toResponse().body(), StandardCharsets.UTF_8)), audience, now);
    }

    private static DefaultJWTProcessor<SecurityContext> backend(JWKSet keys, String audience,
            java.util.function.Supplier<Instant> now) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA),
                new ImmutableJWKSet<>(keys)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().build(), Set.of("iss", "sub", "exp", "iat", "jti")) {
            @Override
            protected Date currentTime() {
                return Date.from(now.get());
            }
        };
        claims.setMaxClockSkew(0);
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    /** What a backend does with an EdDSA assertion: the key by its id from the JWKS, Ed25519, then the claims. */
    private static JWTClaimsSet verifyEd25519(JWKSet keys, String assertion, String audience, Instant now)
            throws Exception {
        SignedJWT jwt = SignedJWT.parse(assertion);
        OctetKeyPair key = (OctetKeyPair) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new Ed25519Verifier(key))).isTrue();
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().build(), Set.of("iss", "sub", "exp", "iat", "jti")) {
            @Override
            protected Date currentTime() {
                return Date.from(now);
            }
        };
        claims.setMaxClockSkew(0);
        claims.verify(jwt.getJWTClaimsSet(), null);
        return jwt.getJWTClaimsSet();
    }

    /** A clock for a verifier that still thinks {@code assertion} is in its lifetime. */
    private static java.util.function.Supplier<Instant> stillOldClock(String assertion) throws Exception {
        Instant issued = SignedJWT.parse(assertion).getJWTClaimsSet().getIssueTime().toInstant();
        return () -> issued.plusSeconds(1);
    }

    private static List<String> jwksKeyIds(GatewayFixture fixture) throws Exception {
        return JWKSet.parse(new String(fixture.gateway.ownEndpoint(Fixtures.get("/.well-known/jwks.json",
                MapHeaders.empty())).orElseThrow().toResponse().body(), StandardCharsets.UTF_8)).getKeys().stream()
                .map(k -> k.getKeyID()).toList();
    }

    private static String keyId(String assertion) throws Exception {
        return SignedJWT.parse(assertion).getHeader().getKeyID();
    }

    /** A new private key as PKCS#8 PEM, escaped for a YAML double-quoted string. */
    static String pem(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        }
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
        return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n").replace("\n", "\\n");
    }
}
