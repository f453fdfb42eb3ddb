package io.portcullis.core.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.core.jwt.InvalidJwtException.Reason;
import io.portcullis.core.token.SecretBytes;
import io.portcullis.core.token.TokenType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JwtVerifierTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final RSAKey RSA = JwtMint.rsa("rsa-1");
    private static final ECKey EC = JwtMint.ec("ec-1");
    private static final OctetKeyPair ED = JwtMint.ed25519("ed-1");

    private static List<JwtKey> allKeys() {
        return List.of(
                hmacKey(JwtAlgorithm.HS256), hmacKey(JwtAlgorithm.HS384), hmacKey(JwtAlgorithm.HS512),
                JwtKey.publicKey(Optional.of("rsa-1"), JwtAlgorithm.RS256, JwtMint.pem(RSA)),
                JwtKey.publicKey(Optional.of("ec-1"), JwtAlgorithm.ES256, JwtMint.pem(EC)),
                JwtKey.publicKey(Optional.of("ed-1"), JwtAlgorithm.EDDSA, JwtMint.pem(ED)));
    }

    private static JwtKey hmacKey(JwtAlgorithm algorithm) {
        return JwtKey.hmac(Optional.empty(), algorithm,
                SecretBytes.copyOf(JwtMint.HMAC_SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    private static JwtVerifier verifier(List<JwtKey> keys, Optional<String> issuer, List<String> audiences) {
        return new JwtVerifier(new JwtSettings(issuer, audiences, SKEW, Duration.ofDays(1), keys, Optional.empty(),
                Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofSeconds(5), Optional.empty(), false, "roles",
                TokenType.JWT), Optional.empty());
    }

    private static final JwtVerifier VERIFIER = verifier(allKeys(), Optional.empty(), List.of());

    enum Alg { HS256, HS384, HS512, RS256, ES256, EDDSA }

    private static String mint(Alg alg, JWTClaimsSet claims) {
        return switch (alg) {
            case HS256 -> JwtMint.hmac(JWSAlgorithm.HS256, JwtMint.HMAC_SECRET, claims);
            case HS384 -> JwtMint.hmac(JWSAlgorithm.HS384, JwtMint.HMAC_SECRET, claims);
            case HS512 -> JwtMint.hmac(JWSAlgorithm.HS512, JwtMint.HMAC_SECRET, claims);
            case RS256 -> JwtMint.sign(RSA, claims);
            case ES256 -> JwtMint.sign(EC, claims);
            case EDDSA -> JwtMint.sign(ED, claims);
        };
    }

    @ParameterizedTest
    @EnumSource(Alg.class)
    void verify_eachAlgorithm_givesTheClaims(Alg alg) throws Exception {
        String token = mint(alg, JwtMint.claims("alice", NOW).claim("roles", List.of("admin", "dev")).build());

        VerifiedJwt verified = VERIFIER.verifyAndDecode(token, NOW);

        assertThat(verified.claims().subject()).isEqualTo("alice");
        assertThat(verified.claims().roles()).containsExactly("admin", "dev");
        assertThat(verified.claims().expiresAt()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(verified.stringClaim("sid")).contains("session-alice");
    }

    @ParameterizedTest
    @EnumSource(Alg.class)
    void verify_tamperedPayload_isBadSignature(Alg alg) {
        String token = mint(alg, JwtMint.claims("alice", NOW).build());
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + base64Url(JwtMint.claims("mallory", NOW).build().toString()) + "." + parts[2];

        assertReason(forged, Reason.BAD_SIGNATURE);
    }

    @ParameterizedTest
    @EnumSource(Alg.class)
    void verify_signedByAnotherKeyOfTheSameAlgorithm_isRejected(Alg alg) {
        JWTClaimsSet claims = JwtMint.claims("alice", NOW).build();
        String token = switch (alg) {
            case HS256, HS384, HS512 -> JwtMint.hmac(JWSAlgorithm.parse(alg.name()),
                    "another-secret-another-secret-another-secret-another-secret-x1-pad", claims);
            case RS256 -> JwtMint.sign(JwtMint.rsa("rsa-1"), claims);
            case ES256 -> JwtMint.sign(JwtMint.ec("ec-1"), claims);
            case EDDSA -> JwtMint.sign(JwtMint.ed25519("ed-1"), claims);
        };

        assertReason(token, Reason.BAD_SIGNATURE);
    }

    @Test
    void verify_algNone_isRejected() {
        assertReason(JwtMint.unsecured(JwtMint.claims("alice", NOW).build()), Reason.UNSECURED);
    }

    @Test
    void verify_hs256SignedWithTheRsaPublicKey_isRejected() {
        // The classic confusion: the attacker uses the (public) RSA key as an HMAC secret.
        JwtVerifier rsaOnly = verifier(List.of(JwtKey.publicKey(Optional.of("rsa-1"), JwtAlgorithm.RS256,
                JwtMint.pem(RSA))), Optional.empty(), List.of());
        JWTClaimsSet claims = JwtMint.claims("mallory", NOW).build();
        String withPemBytes = JwtMint.hmac(JWSAlgorithm.HS256, JwtMint.pem(RSA), claims);
        String withDerBytes = JwtMint.hmac(JWSAlgorithm.HS256,
                new String(Base64.getEncoder().encode(pemDer(RSA)), StandardCharsets.US_ASCII), claims);

        for (String token : List.of(withPemBytes, withDerBytes)) {
            assertThatThrownBy(() -> rsaOnly.verifyAndDecode(token, NOW)).isInstanceOf(InvalidJwtException.class)
                    .extracting(e -> ((InvalidJwtException) e).reason()).isEqualTo(Reason.UNKNOWN_KEY);
        }
    }

    @Test
    void verify_rs256HeaderOnAnEcToken_isRejected() {
        String token = JwtMint.sign(EC, JwtMint.claims("alice", NOW).build());
        String[] parts = token.split("\\.");
        String relabelled = base64Url("{\"alg\":\"RS256\",\"kid\":\"ec-1\"}") + "." + parts[1] + "." + parts[2];

        assertReason(relabelled, Reason.UNKNOWN_KEY);
    }

    @Test
    void verify_unsupportedAlgorithm_isRejected() {
        String token = JwtMint.sign(RSA, JwtMint.claims("alice", NOW).build());
        String[] parts = token.split("\\.");
        String ps256 = base64Url("{\"alg\":\"PS256\"}") + "." + parts[1] + "." + parts[2];

        assertReason(ps256, Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verify_noExp_isRefused() {
        assertReason(mint(Alg.HS256, new JWTClaimsSet.Builder().subject("alice").build()), Reason.NO_EXPIRY);
    }

    @Test
    void verify_expiryAtTheSkewEdge_isRejected_justBefore_isAccepted() throws Exception {
        String token = mint(Alg.ES256, JwtMint.claims("alice", NOW.minusSeconds(60)).expirationTime(Date.from(NOW))
                .build());

        assertThat(VERIFIER.verifyAndDecode(token, NOW.plus(SKEW).minusMillis(1)).claims().subject())
                .isEqualTo("alice");
        assertThatThrownBy(() -> VERIFIER.verifyAndDecode(token, NOW.plus(SKEW)))
                .extracting(e -> ((InvalidJwtException) e).reason()).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void verify_notBeforeAtTheSkewEdge_isAccepted_justAfter_isRejected() throws Exception {
        String atEdge = mint(Alg.HS256, JwtMint.claims("alice", NOW).notBeforeTime(Date.from(NOW.plus(SKEW)))
                .build());
        String beyond = mint(Alg.HS256, JwtMint.claims("alice", NOW)
                .notBeforeTime(Date.from(NOW.plus(SKEW).plusSeconds(1))).build());

        assertThat(VERIFIER.verifyAndDecode(atEdge, NOW).claims().subject()).isEqualTo("alice");
        assertReason(beyond, Reason.NOT_YET_VALID);
    }

    @Test
    void verify_issuedInTheFuture_isNotYetValid() {
        assertReason(mint(Alg.HS256, JwtMint.claims("alice", NOW).issueTime(Date.from(NOW.plusSeconds(120)))
                .build()), Reason.NOT_YET_VALID);
    }

    @Test
    void verify_expiryBeyondTheMaxLifetime_isRejected() {
        assertReason(mint(Alg.HS256, JwtMint.claims("alice", NOW)
                .expirationTime(Date.from(NOW.plus(Duration.ofDays(2)))).build()), Reason.LIFETIME_TOO_LONG);
    }

    @Test
    void verify_issuerAndAudience_areCheckedWhenConfigured() throws Exception {
        JwtVerifier strict = verifier(allKeys(), Optional.of("https://idp.example"), List.of("portcullis", "api"));
        JWTClaimsSet.Builder good = JwtMint.claims("alice", NOW).issuer("https://idp.example").audience("api");

        assertThat(strict.verifyAndDecode(mint(Alg.RS256, good.build()), NOW).claims().subject()).isEqualTo("alice");
        assertThatThrownBy(() -> strict.verifyAndDecode(mint(Alg.RS256, JwtMint.claims("alice", NOW)
                .issuer("https://evil.example").audience("api").build()), NOW))
                .extracting(e -> ((InvalidJwtException) e).reason()).isEqualTo(Reason.WRONG_ISSUER);
        assertThatThrownBy(() -> strict.verifyAndDecode(mint(Alg.RS256, JwtMint.claims("alice", NOW)
                .issuer("https://idp.example").audience("other").build()), NOW))
                .extracting(e -> ((InvalidJwtException) e).reason()).isEqualTo(Reason.WRONG_AUDIENCE);
        assertThatThrownBy(() -> strict.verifyAndDecode(mint(Alg.RS256, JwtMint.claims("alice", NOW).build()), NOW))
                .extracting(e -> ((InvalidJwtException) e).reason()).isEqualTo(Reason.WRONG_ISSUER);
    }

    @Test
    void verify_subjectThatCannotTravelInAHeader_isRejected() {
        assertReason(mint(Alg.HS256, JwtMint.claims("alice smith", NOW).build()), Reason.BAD_SUBJECT);
        assertReason(mint(Alg.HS256, JwtMint.claims("x", NOW).subject(null).build()), Reason.BAD_SUBJECT);
    }

    @Test
    void verify_garbage_isMalformed_neverAnotherException() {
        for (String junk : List.of("", "a.b", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.!!!.x", "x".repeat(9000))) {
            assertThatThrownBy(() -> VERIFIER.verifyAndDecode(junk, NOW)).isInstanceOf(InvalidJwtException.class);
        }
    }

    @Test
    void verify_tokenId_isDerivedFromJti_orElseFromTheToken() throws Exception {
        JWTClaimsSet withJti = JwtMint.claims("alice", NOW).issuer("idp").jwtID("abc").build();
        String first = mint(Alg.HS256, withJti);
        String second = mint(Alg.HS512, withJti);
        String noJti = mint(Alg.HS256, JwtMint.claims("alice", NOW).build());

        assertThat(VERIFIER.verifyAndDecode(first, NOW).claims().tokenId())
                .isEqualTo(VERIFIER.verifyAndDecode(second, NOW).claims().tokenId());
        assertThat(VERIFIER.verifyAndDecode(noJti, NOW).claims().tokenId())
                .isEqualTo(VERIFIER.verifyAndDecode(noJti, NOW).claims().tokenId())
                .isNotEqualTo(VERIFIER.verifyAndDecode(first, NOW).claims().tokenId());
    }

    @Test
    void verify_rolesAsASpaceSeparatedString_andUnusableRolesDropped() throws Exception {
        String token = mint(Alg.HS256, JwtMint.claims("alice", NOW).claim("roles", "admin dev bad,role").build());

        assertThat(VERIFIER.verifyAndDecode(token, NOW).claims().roles()).containsExactly("admin", "dev");
    }

    @Test
    void verify_noIat_countsAsIssuedAtTheEpoch() throws Exception {
        String token = mint(Alg.HS256, JwtMint.claims("alice", NOW).issueTime(null).build());

        assertThat(VERIFIER.verifyAndDecode(token, NOW).claims().issuedAt()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void hmacKey_shorterThanItsHash_isRefused() {
        assertThatThrownBy(() -> JwtKey.hmac(Optional.empty(), JwtAlgorithm.HS512,
                SecretBytes.copyOf("testsecretpourlestests".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 64");
    }

    @Test
    void publicKey_ofTheWrongType_isRefused() {
        assertThatThrownBy(() -> JwtKey.publicKey(Optional.empty(), JwtAlgorithm.RS256, JwtMint.pem(EC)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RS256");
        assertThatThrownBy(() -> JwtKey.publicKey(Optional.empty(), JwtAlgorithm.HS256, JwtMint.pem(RSA)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertReason(String token, Reason reason) {
        assertThatThrownBy(() -> VERIFIER.verifyAndDecode(token, NOW)).isInstanceOf(InvalidJwtException.class)
                .extracting(e -> ((InvalidJwtException) e).reason()).isEqualTo(reason);
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] pemDer(JWK key) {
        try {
            return ((RSAKey) key).toRSAPublicKey().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
