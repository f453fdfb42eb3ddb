package io.portcullis.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.Fixtures;
import io.portcullis.core.memory.StaticKeyRing;
import io.portcullis.core.token.InvalidTokenException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCodecTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TokenKey K1 = key("k1", Fixtures.SECRET);
    private static final TokenKey K2 = key("k2", Fixtures.OTHER_SECRET);

    private final TokenCodec codec = new TokenCodec(StaticKeyRing.of(K1), RANDOM);

    @Test
    void verifyAndDecode_ofMintedToken_returnsItsClaims() throws Exception {
        Claims claims = claims(Duration.ofHours(1));

        VerifiedToken verified = codec.verifyAndDecode(codec.mintAndEncode(claims), NOW);

        assertThat(verified.claims()).isEqualTo(claims);
    }

    @Test
    void mintAndEncode_sameClaimsTwice_givesDifferentTokens() {
        Claims claims = claims(Duration.ofHours(1));

        assertThat(codec.mintAndEncode(claims)).isNotEqualTo(codec.mintAndEncode(claims));
    }

    @Test
    void mintAndEncode_isUrlSafeWithoutPadding() {
        assertThat(codec.mintAndEncode(claims(Duration.ofHours(1)))).matches("[A-Za-z0-9_-]+");
    }

    /** Each copy of {@code token} with one bit of one byte flipped is refused. */
    private void assertEveryByteFlipRejected(String token) {
        byte[] raw = decode(token);
        for (int i = 0; i < raw.length; i++) {
            byte[] tampered = raw.clone();
            tampered[i] ^= 0x01;
            String copy = encode(tampered);
            assertThatThrownBy(() -> codec.verifyAndDecode(copy, NOW))
                    .as("byte %d flipped", i)
                    .isInstanceOf(InvalidTokenException.class);
        }
    }

    @Test
    void verifyAndDecode_anyByteFlipped_isRejected() {
        assertEveryByteFlipRejected(codec.mintAndEncode(claims(Duration.ofHours(1))));
    }

    @Test
    void verifyAndDecode_onceTheGenuineTokenWasOpened_everyTamperedCopyIsStillRejected() throws Exception {
        String genuine = codec.mintAndEncode(claims(Duration.ofHours(1)));
        codec.verifyAndDecode(genuine, NOW);
        assertEveryByteFlipRejected(genuine);
        assertThat(codec.verifyAndDecode(genuine, NOW).claims().subject()).isEqualTo("alice");
    }

    @Test
    void verifyAndDecode_moreTokensThanItKeeps_eachStillOpensWithItsOwnClaims() throws Exception {
        List<Claims> all = new java.util.ArrayList<>();
        List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Claims claims = new Claims("user" + i, TokenId.random(RANDOM), NOW, NOW.plus(Duration.ofHours(1)), List.of());
            all.add(claims);
            tokens.add(codec.mintAndEncode(claims));
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < tokens.size(); i++) {
                assertThat(codec.verifyAndDecode(tokens.get(i), NOW).claims()).isEqualTo(all.get(i));
            }
        }
    }

    @Test
    void verifyAndDecode_ciphertextFlipped_isForged() {
        byte[] raw = decode(codec.mintAndEncode(claims(Duration.ofHours(1))));
        raw[raw.length - 20] ^= 0x40;

        assertReason(encode(raw), Reason.FORGED);
    }

    @Test
    void verifyAndDecode_truncated_isMalformed() {
        String token = codec.mintAndEncode(claims(Duration.ofHours(1)));
        byte[] raw = decode(token);

        assertReason(encode(java.util.Arrays.copyOf(raw, 30)), Reason.MALFORMED);
        assertReason(encode(java.util.Arrays.copyOf(raw, raw.length - 1)), Reason.FORGED);
    }

    @Test
    void verifyAndDecode_sameKeyIdOtherSecret_isForged() {
        TokenCodec other = new TokenCodec(StaticKeyRing.of(key("k1", Fixtures.OTHER_SECRET)), RANDOM);

        assertReason(other.mintAndEncode(claims(Duration.ofHours(1))), Reason.FORGED);
    }

    @Test
    void verifyAndDecode_unknownKeyId_isRejectedAsUnknownKey() {
        TokenCodec other = new TokenCodec(StaticKeyRing.of(K2), RANDOM);

        assertReason(other.mintAndEncode(claims(Duration.ofHours(1))), Reason.UNKNOWN_KEY);
    }

    @Test
    void verifyAndDecode_otherVersion_isUnsupported() {
        byte[] raw = decode(codec.mintAndEncode(claims(Duration.ofHours(1))));
        raw[0] = 2;

        assertReason(encode(raw), Reason.UNSUPPORTED_VERSION);
    }

    @Test
    void verifyAndDecode_expiringExactlyNow_isExpired() throws Exception {
        String token = codec.mintAndEncode(claims(Duration.ofMinutes(5)));

        assertThat(codec.verifyAndDecode(token, NOW.plus(Duration.ofMinutes(5)).minusMillis(1))).isNotNull();
        assertThatThrownBy(() -> codec.verifyAndDecode(token, NOW.plus(Duration.ofMinutes(5))))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
    }

    @Test
    void verifyAndDecode_garbageOrEmpty_isMalformed() {
        for (String garbage : new String[] {"", "!!!!", "abc", "a.b.c", "%00", "x".repeat(TokenCodec.MAX_ENCODED_LENGTH + 1),
                encode(new byte[0]), encode(new byte[] {1})}) {
            assertReason(garbage, Reason.MALFORMED);
        }
        assertReason(null, Reason.MALFORMED);
    }

    @Test
    void rotation_oldKeyStillVerifies_newKeyIssues() throws Exception {
        String oldToken = codec.mintAndEncode(claims(Duration.ofHours(1)));
        TokenCodec rotated = new TokenCodec(new StaticKeyRing(K2, List.of(K2, K1)), RANDOM);

        String newToken = rotated.mintAndEncode(claims(Duration.ofHours(1)));

        assertThat(rotated.verifyAndDecode(oldToken, NOW).claims().subject()).isEqualTo("alice");
        assertThat(keyIdOf(newToken)).isEqualTo("k2");
        assertThat(keyIdOf(oldToken)).isEqualTo("k1");
        assertThatThrownBy(() -> codec.verifyAndDecode(newToken, NOW)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void exceptionMessage_neverContainsTheToken() {
        String token = codec.mintAndEncode(claims(Duration.ofHours(1)));
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");

        assertThatThrownBy(() -> codec.verifyAndDecode(tampered, NOW)).hasMessageNotContaining(tampered);
    }

    static TokenKey key(String id, String secret) {
        return TokenKey.derive(id, SecretBytes.copyOf(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static Claims claims(Duration lifetime) {
        return new Claims("alice", TokenId.random(RANDOM), NOW, NOW.plus(lifetime), List.of("admin", "ops"));
    }

    private void assertReason(String token, Reason reason) {
        assertThatThrownBy(() -> codec.verifyAndDecode(token, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static String keyIdOf(String token) {
        byte[] raw = decode(token);
        return new String(raw, 2, raw[1], StandardCharsets.US_ASCII);
    }

    private static byte[] decode(String token) {
        return Base64.getUrlDecoder().decode(token);
    }

    private static String encode(byte[] raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
