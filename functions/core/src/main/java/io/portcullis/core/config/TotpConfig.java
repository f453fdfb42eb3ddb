package io.portcullis.core.config;

import io.portcullis.core.config.GatewayConfig.TotpSettings;
import io.portcullis.core.totp.Base32;
import io.portcullis.core.totp.TotpAlgorithm;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code totp} section and checks configured secrets. */
final class TotpConfig {
    static final Set<String> KEYS = Set.of("required", "algorithm", "issuer");
    /** RFC 4226 §4 R6: at least 128 bits of shared secret. */
    static final int MIN_SECRET_BYTES = 16;

    private TotpConfig() {
    }

    static TotpSettings read(ConfigNode node, ConfigReader reader) {
        reader.onlyKnownKeys(node, KEYS);
        boolean required = reader.bool(node.get("required"), false);
        TotpAlgorithm algorithm = reader.parsed(node.get("algorithm"), text -> {
            try {
                return TotpAlgorithm.valueOf(text.toUpperCase(Locale.ROOT).replace("-", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be SHA1, SHA256 or SHA512");
            }
        }).orElse(TotpAlgorithm.SHA1);
        String issuer = reader.string(node.get("issuer")).orElse("Portcullis");
        if (issuer.isBlank() || issuer.length() > 64 || issuer.contains(":")) {
            reader.problem(node.get("issuer"), "must be 1 to 64 characters without ':'");
        }
        return new TotpSettings(required, algorithm, issuer);
    }

    /** What is wrong with a configured secret, if anything; never quotes it. */
    static Optional<String> secretProblem(String base32) {
        byte[] secret;
        try {
            secret = Base32.decode(base32);
        } catch (IllegalArgumentException e) {
            return Optional.of("must be base32 (A-Z, 2-7)");
        }
        return secret.length < MIN_SECRET_BYTES
                ? Optional.of("is " + secret.length * 8 + " bits; a TOTP secret needs at least 128 (RFC 4226)")
                : Optional.empty();
    }
}
