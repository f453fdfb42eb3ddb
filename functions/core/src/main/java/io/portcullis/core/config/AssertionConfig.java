package io.portcullis.core.config;

import io.portcullis.core.assertion.AssertionKey;
import io.portcullis.core.assertion.AssertionSettings;
import io.portcullis.core.jwt.JwtAlgorithm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code identity-assertions} section: signed identity JWTs for backends. Present means on. */
final class AssertionConfig {
    private static final Set<String> KEYS = Set.of("header", "issuer", "lifetime", "lifetime-seconds", "lifetime-ms",
            "default", "keys", "key-rotation", "key-rotation-seconds", "key-rotation-ms");

    private AssertionConfig() {
    }

    /** @param header reads and checks a header name (as the identity headers' are) */
    static Optional<AssertionSettings> read(ConfigNode node, ConfigReader reader,
            java.util.function.BiFunction<ConfigNode, String, String> header) {
        if (!node.exists()) {
            return Optional.empty();
        }
        reader.onlyKnownKeys(node, KEYS);
        String name = header.apply(node.get("header"), AssertionSettings.DEFAULT_HEADER);
        String issuer = reader.string(node.get("issuer")).orElse("portcullis");
        if (issuer.isBlank() || issuer.length() > 256) {
            reader.problem(node.get("issuer"), "must be 1 to 256 characters");
        }
        Duration lifetime = reader.duration(node, "lifetime", AssertionSettings.MAX_LIFETIME);
        if (lifetime.compareTo(Duration.ofSeconds(2)) < 0 || lifetime.compareTo(AssertionSettings.MAX_LIFETIME) > 0) {
            reader.problem(node.get("lifetime"), "must be between 2 and 60 seconds");
        }
        Duration rotation = reader.duration(node, "key-rotation", Duration.ofDays(7));
        if (rotation.compareTo(Duration.ofHours(1)) < 0 || rotation.compareTo(Duration.ofDays(366)) > 0) {
            reader.problem(node.get("key-rotation"), "must be between 1 hour and 366 days");
        }
        List<AssertionKey> keys = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigNode entry : reader.nodes(node.get("keys"))) {
            reader.onlyKnownKeys(entry, Set.of("kid", "algorithm", "private-key", "public-key"));
            Optional<String> kid = reader.requiredString(entry.get("kid"));
            Optional<JwtAlgorithm> algorithm = reader.parsed(entry.get("algorithm"), text -> JwtAlgorithm.named(text)
                    .filter(a -> a == JwtAlgorithm.ES256 || a == JwtAlgorithm.EDDSA)
                    .orElseThrow(() -> new IllegalArgumentException("must be ES256 or EdDSA")));
            if (!entry.get("algorithm").exists()) {
                reader.problem(entry.get("algorithm"), "is required (ES256 or EdDSA)");
            }
            Optional<String> privateKey = reader.string(entry.get("private-key"));
            Optional<String> publicKey = reader.string(entry.get("public-key"));
            if (privateKey.isPresent() == publicKey.isPresent()) {
                reader.problem(entry, "give exactly one of private-key (it signs) and public-key (published only, "
                        + "a retired key)");
                continue;
            }
            if (kid.isEmpty() || algorithm.isEmpty()) {
                continue;
            }
            if (!ids.add(kid.get())) {
                reader.problem(entry.get("kid"), "key id '" + kid.get() + "' is configured twice");
                continue;
            }
            try {
                keys.add(AssertionKey.fromPem(kid.get(), algorithm.get(), privateKey.orElseGet(publicKey::get)));
            } catch (IllegalArgumentException e) {
                reader.problem(entry.get(privateKey.isPresent() ? "private-key" : "public-key"), e.getMessage());
            }
        }
        if (!keys.isEmpty() && keys.stream().noneMatch(AssertionKey::canSign)) {
            reader.problem(node.get("keys"), "no key has a private-key: one must sign (or list none, and the gateway "
                    + "generates its keys into the store)");
        }
        return Optional.of(new AssertionSettings(name, issuer, lifetime, reader.bool(node.get("default"), false), keys,
                rotation));
    }
}
