package io.portcullis.core.config;

import io.helidon.config.Config;
import io.portcullis.core.config.GatewayConfig.Browser;
import io.portcullis.core.net.LocalPath;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code browser} section: session cookies, redirects, CSRF. Present means on. */
final class BrowserConfig {
    static final Set<String> KEYS = Set.of("cookie", "max-age", "max-age-ms", "max-age-seconds", "login-redirect",
            "logout-redirect", "login-error-redirect", "csrf");
    /** The default: {@code __Host-} makes browsers refuse it from subdomains or without Secure (cookie tossing). */
    static final String DEFAULT_COOKIE = "__Host-portcullis";
    /** RFC 6265 §4.1.1: a cookie name is an RFC 7230 token. */
    private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

    private BrowserConfig() {
    }

    static Optional<Browser> read(Config node, Duration tokenTtl, ConfigReader reader) {
        if (!node.exists()) {
            return Optional.empty();
        }
        reader.onlyKnownKeys(node, KEYS);
        String cookie = reader.string(node.get("cookie")).orElse(DEFAULT_COOKIE);
        if (!COOKIE_NAME.matcher(cookie).matches()) {
            reader.problem(node.get("cookie"), "must be 1 to 64 characters of a cookie-name token (RFC 6265)");
        }
        Duration maxAge = reader.duration(node, "max-age", tokenTtl);
        if (maxAge.compareTo(Duration.ofSeconds(60)) < 0) {
            reader.problem(node.get("max-age"), "must be at least 60 seconds");
        }
        String loginRedirect = localPath(node.get("login-redirect"), reader).orElse("/");
        Optional<String> logoutRedirect = localPath(node.get("logout-redirect"), reader);
        Optional<String> loginErrorRedirect = localPath(node.get("login-error-redirect"), reader);
        if (loginErrorRedirect.filter(page -> page.contains("?") || page.contains("#")).isPresent()) {
            reader.problem(node.get("login-error-redirect"), "must be a path without query or fragment "
                    + "(the gateway appends ?error=<code>)");
        }
        boolean csrf = reader.bool(node.get("csrf"), true);
        return Optional.of(new Browser(cookie, maxAge, loginRedirect, logoutRedirect, loginErrorRedirect, csrf));
    }

    private static Optional<String> localPath(Config node, ConfigReader reader) {
        Optional<String> path = reader.string(node);
        if (path.isPresent() && !LocalPath.isLocal(path.get())) {
            reader.problem(node, "must be a path on this site starting with a single '/' (no open redirects)");
            return Optional.empty();
        }
        return path;
    }
}
