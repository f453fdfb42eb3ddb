package io.portcullis.core.config;

import io.portcullis.core.Gateway;
import io.portcullis.core.config.GatewayConfig.Browser;
import io.portcullis.core.config.GatewayConfig.Pages;
import io.portcullis.core.net.LocalPath;
import io.portcullis.core.page.PageAsset;
import io.portcullis.core.page.PagePaths;
import io.portcullis.core.page.PageTemplate;
import io.portcullis.core.page.PageTemplates;
import io.portcullis.core.route.BadPathException;
import io.portcullis.core.route.CanonicalPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code browser} section: session cookies, redirects, CSRF, the pages. Present means on. */
final class BrowserConfig {
    static final Set<String> KEYS = Set.of("cookie", "max-age", "max-age-ms", "max-age-seconds", "login-redirect",
            "logout-redirect", "login-error-redirect", "csrf", "login-page", "page");
    static final Set<String> PAGE_KEYS = Set.of("title", "product", "logo", "accent-color", "template");
    /** The default: {@code __Host-} makes browsers refuse it from subdomains or without Secure (cookie tossing). */
    static final String DEFAULT_COOKIE = "__Host-portcullis";
    static final String DEFAULT_ACCENT = "#2451b7";
    /** Largest logo file read. */
    static final int MAX_LOGO_BYTES = 256 * 1024;
    /** RFC 6265 §4.1.1: a cookie name is an RFC 7230 token. */
    private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

    private BrowserConfig() {
    }

    /** @param base the directory relative file names ({@code page.logo}, {@code page.template}) resolve against */
    static Optional<Browser> read(ConfigNode node, Duration tokenTtl, Path base, ConfigReader reader) {
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
        Pages pages = pages(node, base, reader);
        return Optional.of(new Browser(cookie, maxAge, loginRedirect, logoutRedirect, loginErrorRedirect, csrf,
                pages));
    }

    private static Pages pages(ConfigNode browser, Path base, ConfigReader reader) {
        String loginPage = loginPage(browser.get("login-page"), reader);
        ConfigNode node = browser.get("page");
        reader.onlyKnownKeys(node, PAGE_KEYS);
        String title = text(node.get("title"), "Sign in", 100, reader);
        String product = text(node.get("product"), "Portcullis", 60, reader);
        String accent = reader.parsed(node.get("accent-color"), PageTemplates::normalizeColor).orElse(DEFAULT_ACCENT);
        Optional<PageAsset> logo = reader.string(node.get("logo")).flatMap(name -> logo(node.get("logo"), name,
                base, reader));
        PageTemplate template = reader.string(node.get("template")).flatMap(name -> {
            try {
                return Optional.of(PageTemplates.read(base.resolve(name), name));
            } catch (PageTemplate.TemplateException e) {
                reader.problem(node.get("template"), e.getMessage());
                return Optional.empty();
            }
        }).orElseGet(PageTemplates::builtIn);
        return new Pages(loginPage, title, product, logo, accent, template);
    }

    /** A path on this site that none of the gateway's own endpoints or pages uses already. */
    private static String loginPage(ConfigNode node, ConfigReader reader) {
        Optional<String> path = localPath(node, reader);
        if (path.isEmpty()) {
            return PagePaths.DEFAULT_LOGIN;
        }
        if (path.get().contains("?") || path.get().contains("#")) {
            reader.problem(node, "must be a path without query or fragment (the gateway appends ?redirect=…)");
            return PagePaths.DEFAULT_LOGIN;
        }
        try {
            if (!CanonicalPath.of(path.get()).equals(path.get())) {
                reader.problem(node, "write the path in canonical form: " + CanonicalPath.of(path.get()));
            } else if (!path.get().equals(PagePaths.DEFAULT_LOGIN) && Gateway.isOwnPath(path.get())
                    || path.get().startsWith(PagePaths.ASSETS) || path.get().startsWith("/observe/")) {
                reader.problem(node, "is one of the gateway's own endpoints");
            } else {
                return path.get();
            }
        } catch (BadPathException e) {
            reader.problem(node, e.getMessage());
        }
        return PagePaths.DEFAULT_LOGIN;
    }

    private static String text(ConfigNode node, String defaultValue, int maxLength, ConfigReader reader) {
        Optional<String> text = reader.string(node).map(String::strip);
        if (text.isPresent() && (text.get().isEmpty() || text.get().length() > maxLength
                || text.get().chars().anyMatch(Character::isISOControl))) {
            reader.problem(node, "must be 1 to " + maxLength + " characters on one line");
            return defaultValue;
        }
        return text.orElse(defaultValue);
    }

    private static Optional<PageAsset> logo(ConfigNode node, String name, Path base, ConfigReader reader) {
        Optional<String> type = PageAsset.imageType(name);
        if (type.isEmpty()) {
            reader.problem(node, "must be an image file named *." + PageAsset.imageExtensions().replace(", ", ", *."));
            return Optional.empty();
        }
        Path file = base.resolve(name);
        try {
            if (Files.size(file) > MAX_LOGO_BYTES) {
                reader.problem(node, "is larger than " + MAX_LOGO_BYTES + " bytes");
                return Optional.empty();
            }
            return Optional.of(new PageAsset(type.get(), Files.readAllBytes(file)));
        } catch (IOException e) {
            reader.problem(node, name + " cannot be read (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }

    private static Optional<String> localPath(ConfigNode node, ConfigReader reader) {
        Optional<String> path = reader.string(node);
        if (path.isPresent() && !LocalPath.isLocal(path.get())) {
            reader.problem(node, "must be a path on this site starting with a single '/' (no open redirects)");
            return Optional.empty();
        }
        return path;
    }
}
