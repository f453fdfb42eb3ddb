package io.portcullis.core.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TotpTest {
    private static final byte[] SHA1_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA256_SEED = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA512_SEED =
            "1234567890123456789012345678901234567890123456789012345678901234".getBytes(StandardCharsets.US_ASCII);

    /** RFC 6238 Appendix B, every row. */
    @ParameterizedTest
    @CsvSource({
        "59, 94287082, SHA1", "59, 46119246, SHA256", "59, 90693936, SHA512",
        "1111111109, 07081804, SHA1", "1111111109, 68084774, SHA256", "1111111109, 25091201, SHA512",
        "1111111111, 14050471, SHA1", "1111111111, 67062674, SHA256", "1111111111, 99943326, SHA512",
        "1234567890, 89005924, SHA1", "1234567890, 91819424, SHA256", "1234567890, 93441116, SHA512",
        "2000000000, 69279037, SHA1", "2000000000, 90698825, SHA256", "2000000000, 38618901, SHA512",
        "20000000000, 65353130, SHA1", "20000000000, 77737706, SHA256", "20000000000, 47863826, SHA512"})
    void rfc6238Vectors(long unixSeconds, String expected, TotpAlgorithm algorithm) {
        byte[] seed = switch (algorithm) {
            case SHA1 -> SHA1_SEED;
            case SHA256 -> SHA256_SEED;
            case SHA512 -> SHA512_SEED;
        };
        Totp totp = new Totp(algorithm, 8);
        Instant at = Instant.ofEpochSecond(unixSeconds);

        assertThat(totp.code(seed, Totp.step(at))).isEqualTo(expected);
        assertThat(totp.matchingStep(seed, expected, at)).isEqualTo(OptionalLong.of(Totp.step(at)));
    }

    @Test
    void sixDigitCodes_areTheLastSixOfTheEightDigitOnes() {
        assertThat(new Totp(TotpAlgorithm.SHA1, 6).code(SHA1_SEED, Totp.step(Instant.ofEpochSecond(59))))
                .isEqualTo("287082");
    }

    @Test
    void window_acceptsOneStepEachSide_andNoFurther() {
        Totp totp = new Totp(TotpAlgorithm.SHA1, 6);
        Instant now = Instant.parse("2026-11-22T10:00:15Z");
        long step = Totp.step(now);

        assertThat(totp.matchingStep(SHA1_SEED, totp.code(SHA1_SEED, step - 1), now)).hasValue(step - 1);
        assertThat(totp.matchingStep(SHA1_SEED, totp.code(SHA1_SEED, step + 1), now)).hasValue(step + 1);
        assertThat(totp.matchingStep(SHA1_SEED, totp.code(SHA1_SEED, step - 2), now)).isEmpty();
        assertThat(totp.matchingStep(SHA1_SEED, totp.code(SHA1_SEED, step + 2), now)).isEmpty();
    }

    @Test
    void window_edges_followTheStepBoundaries() {
        Totp totp = new Totp(TotpAlgorithm.SHA1, 6);
        Instant start = Instant.parse("2026-11-22T10:00:00Z");
        String code = totp.code(SHA1_SEED, Totp.step(start));

        assertThat(totp.matchingStep(SHA1_SEED, code, start.plusSeconds(59))).as("one step later").isPresent();
        assertThat(totp.matchingStep(SHA1_SEED, code, start.plusSeconds(60))).as("two steps later").isEmpty();
        assertThat(totp.matchingStep(SHA1_SEED, code, start.minusSeconds(30))).as("one step earlier").isPresent();
        assertThat(totp.matchingStep(SHA1_SEED, code, start.minusSeconds(31))).as("two steps earlier").isEmpty();
    }

    @Test
    void malformedCodes_neverMatch() {
        Totp totp = new Totp(TotpAlgorithm.SHA1, 6);
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        String good = totp.code(SHA1_SEED, Totp.step(now));

        assertThat(totp.matchingStep(SHA1_SEED, good + "0", now)).isEmpty();
        assertThat(totp.matchingStep(SHA1_SEED, good.substring(1), now)).isEmpty();
        assertThat(totp.matchingStep(SHA1_SEED, "12a456", now)).isEmpty();
        assertThat(totp.matchingStep(SHA1_SEED, "١٢٣٤٥٦", now)).as("non-ASCII digits").isEmpty();
        assertThat(totp.matchingStep(SHA1_SEED, null, now)).isEmpty();
    }

    @Test
    void uri_namesEverythingAnAppNeeds() {
        String uri = new Totp(TotpAlgorithm.SHA256, 6).uri("Acme Corp", "alice@example.com", "JBSWY3DPEHPK3PXP");

        assertThat(uri).isEqualTo("otpauth://totp/Acme%20Corp:alice%40example.com?secret=JBSWY3DPEHPK3PXP"
                + "&issuer=Acme%20Corp&algorithm=SHA256&digits=6&period=30");
    }

    @Test
    void newSecrets_are160BitsOfRandom() {
        SecureRandom random = new SecureRandom();
        String one = Totp.newSecret(random);

        assertThat(Base32.decode(one)).hasSize(20);
        assertThat(Totp.newSecret(random)).isNotEqualTo(one);
    }

    /** RFC 4648 §10, written without padding as otpauth URIs carry secrets. */
    @ParameterizedTest
    @CsvSource({"f, MY", "fo, MZXQ", "foo, MZXW6", "foob, MZXW6YQ", "fooba, MZXW6YTB", "foobar, MZXW6YTBOI"})
    void base32_rfc4648Vectors(String text, String encoded) {
        assertThat(Base32.encode(text.getBytes(StandardCharsets.US_ASCII))).isEqualTo(encoded);
        assertThat(new String(Base32.decode(encoded), StandardCharsets.US_ASCII)).isEqualTo(text);
        assertThat(new String(Base32.decode(encoded.toLowerCase() + "===="), StandardCharsets.US_ASCII))
                .as("lower case and padding").isEqualTo(text);
    }

    @Test
    void base32_refusesOtherCharacters() {
        assertThatThrownBy(() -> Base32.decode("MZXW1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void digits_outsideSixToEight_areRefused() {
        assertThatThrownBy(() -> new Totp(TotpAlgorithm.SHA1, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Totp(TotpAlgorithm.SHA1, 9)).isInstanceOf(IllegalArgumentException.class);
    }
}
