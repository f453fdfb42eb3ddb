package io.portcullis.core.config;

import io.portcullis.core.jwt.JwtAlgorithm;
import io.portcullis.core.jwt.JwtKey;
import io.portcullis.core.jwt.JwtSettings;
import io.portcullis.core.token.SecretBytes;
import io.portcullis.core.token.TokenType;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code jwt} section. Keys are built here, so a bad secret or PEM stops startup naming its key; each
 * key is bound to the algorithm written beside it.
 */
final class JwtConfig {
    static final Set<String> KEYS = Set.of("issuer", "audience", "clock-skew", "clock-skew-ms", "clock-skew-seconds",
            "max-lifetime", "max-lifetime-ms", "max-lifetime-seconds", "keys", "jwks-url", "jwks-refresh",
            "jwks-refresh-ms", "jwks-refresh-seconds", "jwks-max-age", "jwks-max-age-ms", "jwks-max-age-seconds",
            "jwks-timeout", "jwks-timeout-ms", "jwks-timeout-seconds", "cookie", "cookie-base64", "roles-claim",
            "default-route-token");
    private static final Set<String> KEY_KEYS = Set.of("kid", "algorithm", "secret", "public-key");
    /** RFC 6265 cookie-name (an RFC 7230 token). */
    private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
    private static final Pattern CLAIM_NAME = Pattern.compile("[\\x21-\\x7e]{1,64}");

    private JwtConfig() {
    }

    static JwtSettings read(ConfigNode node, ConfigReader reader) {
        JwtSettings defaults = JwtSettings.none();
        if (!node.exists()) {
            return defaults;
        }
        reader.onlyKnownKeys(node, KEYS);
        Optional<String> issuer = reader.string(node.get("issuer"));
        List<String> audiences = reader.strings(node.get("audience"));
        Duration skew = reader.duration(node, "clock-skew", defaults.clockSkew());
        if (skew.compareTo(JwtSettings.MAX_CLOCK_SKEW) > 0) {
            reader.problem(node.get("clock-skew"), "must be at most " + JwtSettings.MAX_CLOCK_SKEW.toMinutes()
                    + " minutes: a larger skew hides expired tokens");
            skew = defaults.clockSkew();
        }
        Duration maxLifetime = reader.duration(node, "max-lifetime", defaults.maxLifetime());
        if (maxLifetime.compareTo(Duration.ofMinutes(1)) < 0 || maxLifetime.compareTo(Duration.ofDays(366)) > 0) {
            reader.problem(node.get("max-lifetime"), "must be between 1 minute and 366 days");
        }
        List<JwtKey> keys = keys(node.get("keys"), reader);
        Optional<URI> jwksUrl = reader.parsed(node.get("jwks-url"), JwtConfig::jwksUrl);
        Duration refresh = reader.duration(node, "jwks-refresh", defaults.jwksRefresh());
        Duration maxAge = reader.duration(node, "jwks-max-age", defaults.jwksMaxAge());
        Duration timeout = reader.duration(node, "jwks-timeout", defaults.jwksTimeout());
        if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
            reader.problem(node.get("jwks-refresh"), "must be at least 1s: it bounds how often the JWKS is fetched");
        }
        if (maxAge.compareTo(refresh) < 0) {
            reader.problem(node.get("jwks-max-age"), "must be at least jwks-refresh");
        }
        if (timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            reader.problem(node.get("jwks-timeout"), "must be above zero and at most 1 minute");
        }
        Optional<String> cookie = reader.string(node.get("cookie"));
        if (cookie.isPresent() && !COOKIE_NAME.matcher(cookie.get()).matches()) {
            reader.problem(node.get("cookie"), "is not a cookie name (1 to 64 token characters)");
        }
        boolean cookieBase64 = reader.bool(node.get("cookie-base64"), false);
        if (cookieBase64 && cookie.isEmpty()) {
            reader.problem(node.get("cookie-base64"), "needs jwt.cookie, the cookie it describes");
        }
        String rolesClaim = reader.string(node.get("roles-claim")).orElse(defaults.rolesClaim());
        if (!CLAIM_NAME.matcher(rolesClaim).matches()) {
            reader.problem(node.get("roles-claim"), "is not a claim name (1 to 64 visible ASCII characters)");
        }
        TokenType defaultRouteToken = reader.parsed(node.get("default-route-token"), RouteConfig::tokenType)
                .orElse(TokenType.PORTCULLIS);
        if (keys.isEmpty() && jwksUrl.isEmpty() && reader.problems().stream().noneMatch(p -> p.startsWith("jwt."))) {
            reader.problem(node.get("keys"), "the jwt section needs at least one key or a jwks-url");
        }
        return new JwtSettings(issuer, audiences, skew, maxLifetime, keys, jwksUrl, refresh, maxAge, timeout,
                cookie, cookieBase64, rolesClaim, defaultRouteToken);
    }

    private static List<JwtKey> keys(ConfigNode list, ConfigReader reader) {
        List<JwtKey> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ConfigNode node : reader.nodes(list)) {
            reader.onlyKnownKeys(node, KEY_KEYS);
            Optional<String> kid = reader.string(node.get("kid"));
            Optional<JwtAlgorithm> algorithm = reader.requiredString(node.get("algorithm")).flatMap(name -> {
                Optional<JwtAlgorithm> named = JwtAlgorithm.named(name);
                if (named.isEmpty()) {
                    reader.problem(node.get("algorithm"), "must be one of HS256, HS384, HS512, RS256, ES256, EdDSA");
                }
                return named;
            });
            Optional<String> secret = reader.string(node.get("secret"));
            Optional<String> pem = reader.string(node.get("public-key"));
            if (kid.isPresent() && (kid.get().isBlank() || kid.get().length() > 256)) {
                reader.problem(node.get("kid"), "must be 1 to 256 characters");
                continue;
            }
            if (algorithm.isEmpty()) {
                continue;
            }
            if (!seen.add(kid.orElse("") + "\0" + algorithm.get())) {
                reader.problem(node.get("kid"), "two " + algorithm.get().jwsName() + " keys with "
                        + kid.map(k -> "kid '" + k + "'").orElse("no kid"));
                continue;
            }
            boolean hmac = algorithm.get().isHmac();
            String field = hmac ? "secret" : "public-key";
            if (hmac ? pem.isPresent() : secret.isPresent()) {
                reader.problem(node.get(hmac ? "public-key" : "secret"), algorithm.get().jwsName() + " takes a "
                        + field + ", not this (each key is bound to one algorithm)");
                continue;
            }
            Optional<String> material = hmac ? secret : pem;
            if (material.isEmpty()) {
                reader.problem(node.get(field), "is required for " + algorithm.get().jwsName());
                continue;
            }
            try {
                keys.add(hmac
                        ? JwtKey.hmac(kid, algorithm.get(),
                                SecretBytes.copyOf(material.get().getBytes(StandardCharsets.UTF_8)))
                        : JwtKey.publicKey(kid, algorithm.get(), material.get()));
            } catch (IllegalArgumentException e) {
                reader.problem(node.get(field), e.getMessage());
            }
        }
        return keys;
    }

    /** HTTPS only: keys fetched over plain HTTP could be swapped by anyone on the path (loopback excepted). */
    private static URI jwksUrl(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("must be an https:// URL");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException("must be https:// (plain http only for localhost): keys fetched "
                    + "in the clear could be replaced on the way");
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }
}
