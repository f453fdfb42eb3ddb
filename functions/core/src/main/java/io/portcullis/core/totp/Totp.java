package io.portcullis.core.totp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): 30-second steps, codes of {@code digits} digits,
 * a code accepted for the step before and after the current one (clock skew, a code typed as the step turns).
 * Which step matched is returned so the caller can refuse it a second time: a code is usable once.
 */
public final class Totp {
    /** RFC 6238's default step. */
    public static final long PERIOD_SECONDS = 30;
    /** RFC 4226 §4 recommends 160-bit secrets. */
    private static final int SECRET_BYTES = 20;
    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private final TotpAlgorithm algorithm;
    private final int digits;

    /** @param digits 6 to 8 */
    public Totp(TotpAlgorithm algorithm, int digits) {
        if (digits < 6 || digits > 8) {
            throw new IllegalArgumentException("TOTP codes have 6 to 8 digits");
        }
        this.algorithm = algorithm;
        this.digits = digits;
    }

    public TotpAlgorithm algorithm() {
        return algorithm;
    }

    /** The step {@code now} falls in. */
    public static long step(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), PERIOD_SECONDS);
    }

    /** The code for {@code step} (RFC 4226 §5.3 dynamic truncation). */
    public String code(byte[] secret, long step) {
        byte[] hash;
        try {
            Mac mac = Mac.getInstance(algorithm.mac());
            mac.init(new SecretKeySpec(secret, "RAW"));
            hash = mac.doFinal(new byte[] {
                (byte) (step >>> 56), (byte) (step >>> 48), (byte) (step >>> 40), (byte) (step >>> 32),
                (byte) (step >>> 24), (byte) (step >>> 16), (byte) (step >>> 8), (byte) step});
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm.mac() + " is missing from this JDK", e);
        }
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        String code = Integer.toString(binary % POWERS[digits]);
        return "0".repeat(digits - code.length()) + code;
    }

    /**
     * The step whose code {@code code} is, among the current step and its two neighbours; empty when none. Every
     * candidate is compared in constant time, and all three are always computed.
     */
    public OptionalLong matchingStep(byte[] secret, String code, Instant now) {
        if (code == null || code.length() != digits || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        byte[] given = code.getBytes(StandardCharsets.US_ASCII);
        long current = step(now);
        OptionalLong matched = OptionalLong.empty();
        for (long step = current - 1; step <= current + 1; step++) {
            if (MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.US_ASCII), given)) {
                matched = OptionalLong.of(step);
            }
        }
        return matched;
    }

    /** A new random secret, base32 as apps take it. */
    public static String newSecret(SecureRandom random) {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        return Base32.encode(secret);
    }

    /**
     * The key URI authenticator apps scan ({@code otpauth://totp/Issuer:account?secret=…}), naming the algorithm,
     * digits and period so an app cannot assume other ones.
     */
    public String uri(String issuer, String account, String base32Secret) {
        return "otpauth://totp/" + encode(issuer) + ":" + encode(account) + "?secret=" + base32Secret
                + "&issuer=" + encode(issuer) + "&algorithm=" + algorithm.name() + "&digits=" + digits
                + "&period=" + PERIOD_SECONDS;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
