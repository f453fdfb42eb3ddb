package io.portcullis.core.config;

import io.portcullis.core.Cors;
import io.portcullis.core.User;
import io.portcullis.core.assertion.AssertionSettings;
import io.portcullis.core.config.GatewayConfig.Browser;
import io.portcullis.core.config.GatewayConfig.IdentityHeaders;
import io.portcullis.core.config.GatewayConfig.ProxyAuthCompat;
import io.portcullis.core.config.GatewayConfig.Passwords;
import io.portcullis.core.config.GatewayConfig.RateLimits;
import io.portcullis.core.config.GatewayConfig.Refresh;
import io.portcullis.core.config.GatewayConfig.Sessions;
import io.portcullis.core.config.GatewayConfig.Store;
import io.portcullis.core.config.GatewayConfig.StoreType;
import io.portcullis.core.config.GatewayConfig.Tokens;
import io.portcullis.core.config.GatewayConfig.Upstream;
import io.portcullis.core.config.GatewayConfig.TotpSettings;
import io.portcullis.core.config.GatewayConfig.UserEntry;
import io.portcullis.core.jwt.JwtSettings;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.memory.StaticKeyRing;
import io.portcullis.core.net.Cidr;
import io.portcullis.core.net.HopByHop;
import io.portcullis.core.net.TrustedProxies;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.PasswordPool;
import io.portcullis.core.token.SecretBytes;
import io.portcullis.core.token.TokenKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the YAML configuration into a {@link GatewayConfig}. Environment variables override any key, with
 * Helidon's mapping ({@code RATE_dash_LIMITS_PROXY_BURST=50} sets {@code rate-limits.proxy.burst}), and
 * {@code ${NAME}} in a value refers to an environment variable. Relative paths are resolved against the config
 * file's directory. Every problem is reported at once, each naming its key.
 */
public final class ConfigLoader {
    /** Top-level sections; anything else in the file is refused. */
    public static final Set<String> SECTIONS = Set.of("server", "demo-backend", "tokens", "passwords", "users",
            "users-file", "rate-limits", "trusted-proxies", "trusted-proxy-header", "store", "identity-headers",
            "routes", "routes-file", "upstream", "jwt", "sessions", "cors", "proxyauth", "browser", "totp", "log",
            "identity-assertions", "openapi");

    private static final Pattern USERNAME = User.USERNAME;
    private static final Pattern ROLE = User.ROLE;
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "host", "content-length",
            "content-type", "cookie", "set-cookie", "forwarded", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "via");
    private static final RateLimit DEFAULT_PROXY_LIMIT = new RateLimit(10, 100, Duration.ZERO);
    private static final RateLimit DEFAULT_AUTH_LIMIT = new RateLimit(1, 10, Duration.ofMillis(500));

    private ConfigLoader() {
    }

    /** Reads and validates {@code file}, with {@code env} as environment variables. */
    public static GatewayConfig load(Path file, Map<String, String> env) {
        return read(tree(file, env), file);
    }

    /** The file merged with environment overrides, for sections a shell reads itself (such as {@code server}). */
    public static ConfigNode tree(Path file, Map<String, String> env) {
        return ConfigNode.parse(text(file), file.toString(), withAliases(env), true);
    }

    /** The file's text, its byte order mark left out. */
    private static String text(Path file) {
        requireReadable(file);
        try {
            return FileValues.withoutBom(FileValues.read(file));
        } catch (java.io.UncheckedIOException e) {
            throw new ConfigException("config file: cannot read " + file.toAbsolutePath() + " ("
                    + e.getCause().getMessage() + ")");
        }
    }

    /**
     * The environment with aliases added (Helidon's convention), so a variable can name any key: {@code _} stands for
     * {@code .} and {@code _dash_} for {@code -} ({@code RATE_dash_LIMITS_PROXY_BURST} is
     * {@code rate-limits.proxy.burst}). The variables themselves stay, for {@code ${NAME}} references.
     */
    static Map<String, String> withAliases(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        env.forEach((name, value) -> {
            if (name.indexOf('_') > 0 && !name.endsWith("_") && !name.contains("__")) {
                String key = name.replace("_dash_", "-").replace("_DASH_", "-").replace('_', '.');
                all.putIfAbsent(key.toLowerCase(Locale.ROOT), value);
            }
        });
        return all;
    }

    /** Validates the merged config {@code root}, which was read from {@code file}. */
    public static GatewayConfig read(ConfigNode root, Path file) {
        return read(root, root.written(), file.toAbsolutePath().getParent());
    }

    /**
     * Reads YAML given as text (a Lambda function's {@code PORTCULLIS_CONFIG_YAML}), with {@code env} as
     * environment variables; relative paths resolve against the working directory.
     */
    public static GatewayConfig fromYaml(String yaml, Map<String, String> env) {
        ConfigNode root = ConfigNode.parse(yaml, "the configuration", withAliases(env), true);
        return read(root, root.written(), Path.of("").toAbsolutePath());
    }

    /** Validates {@code root}; unknown keys are looked for in {@code written}, what the user wrote themselves. */
    static GatewayConfig read(ConfigNode root, ConfigNode written, Path base) {
        ConfigReader reader = new ConfigReader();
        reader.onlyKnownKeys(written, SECTIONS);

        Tokens tokens = tokens(root.get("tokens"), reader);
        Passwords passwords = passwords(root.get("passwords"), reader);
        Optional<Path> usersFile = reader.string(root.get("users-file")).map(base::resolve);
        List<UserEntry> users = users(listSource(root, "users", usersFile, reader), reader);
        Store store = store(root.get("store"), base, reader);
        JwtSettings jwt = JwtConfig.read(root.get("jwt"), reader);
        Sessions sessions = SessionsConfig.read(root.get("sessions"), store.type(), reader);
        Optional<Path> routesFile = reader.string(root.get("routes-file")).map(base::resolve);
        IdentityHeaders identity = identityHeaders(root.get("identity-headers"), reader);
        Optional<AssertionSettings> assertions = AssertionConfig.read(root.get("identity-assertions"), reader,
                (node, defaultName) -> headerName(node, defaultName, reader));
        assertions.filter(a -> identity.all().contains(a.header())).ifPresent(a -> reader.problem(
                root.get("identity-assertions.header"), "'" + a.header() + "' is already an identity header"));
        var routes = RouteConfig.routes(listSource(root, "routes", routesFile, reader), reader, jwt,
                sessions.format().isPresent(), routesFile.map(f -> f.toAbsolutePath().getParent()).orElse(base),
                assertions.map(AssertionSettings::routesDefault));
        RateLimits limits = new RateLimits(
                rateLimit(root.get("rate-limits.proxy"), DEFAULT_PROXY_LIMIT, reader),
                rateLimit(root.get("rate-limits.auth"), DEFAULT_AUTH_LIMIT, reader));
        reader.onlyKnownKeys(root.get("rate-limits"), Set.of("proxy", "auth"));
        List<Cidr> blocks = reader.strings(root.get("trusted-proxies")).stream()
                .flatMap(text -> cidr(root.get("trusted-proxies"), text, reader).stream()).toList();
        TrustedProxies trusted = new TrustedProxies(blocks, reader.parsed(root.get("trusted-proxy-header"),
                text -> TrustedProxies.Source.named(text).orElseThrow(() -> new IllegalArgumentException(
                        "must be x-forwarded-for or forwarded"))).orElse(TrustedProxies.Source.X_FORWARDED_FOR));
        Upstream upstream = upstream(root.get("upstream"), reader);
        Cors cors = cors(root.get("cors"), reader);
        Optional<ProxyAuthCompat> proxyAuth = proxyAuth(root.get("proxyauth"), reader);
        Optional<Browser> browser = BrowserConfig.read(root.get("browser"), tokens.ttl(), base, reader);
        TotpSettings totp = TotpConfig.read(root.get("totp"), reader);
        LogSettings log = LogConfig.read(root.get("log"), reader);
        ServerSettings server = ServerSettings.read(root.get("server"), reader);
        reader.onlyKnownKeys(root.get("openapi"), Set.of("enabled"));
        boolean openApi = reader.bool(root.get("openapi.enabled"), true);
        reader.throwIfAny();
        return new GatewayConfig(tokens, passwords, users, usersFile, limits, trusted, store, identity, routes,
                upstream, jwt, sessions, cors, proxyAuth, browser, totp, log, server, assertions, openApi);
    }

    /** The list under {@code key}: inline, or from its own file ({@code users-file: users.yaml}). */
    private static ConfigNode listSource(ConfigNode root, String key, Optional<Path> file, ConfigReader reader) {
        if (file.isEmpty()) {
            return root.get(key);
        }
        if (root.get(key).exists()) {
            reader.problem(key + "-file", "set " + key + " or " + key + "-file, not both");
        }
        if (!Files.isReadable(file.get())) {
            reader.problem(key + "-file", "cannot read " + file.get());
            return ConfigNode.empty().get(key);
        }
        return ConfigNode.parse(text(file.get()), file.get().toString(), Map.of(), false).get(key);
    }

    private static Tokens tokens(ConfigNode node, ConfigReader reader) {
        reader.onlyKnownKeys(node, Set.of("ttl", "ttl-seconds", "ttl-ms", "keys", "refresh-ttl", "refresh-ttl-seconds",
                "refresh-ttl-ms", "refresh-max-lifetime", "refresh-max-lifetime-seconds", "refresh-max-lifetime-ms",
                "refresh-reuse-interval", "refresh-reuse-interval-seconds", "refresh-reuse-interval-ms"));
        Duration ttl = reader.duration(node, "ttl", Duration.ofHours(1));
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(366)) > 0) {
            reader.problem(node.get("ttl-seconds"), "must be between 1 second and 366 days");
        }
        Optional<Refresh> refresh = refresh(node, ttl, reader);
        List<TokenKey> keys = new ArrayList<>();
        TokenKey issuing = null;
        Set<String> ids = new HashSet<>();
        for (ConfigNode keyNode : reader.nodes(node.get("keys"))) {
            reader.onlyKnownKeys(keyNode, Set.of("id", "secret", "active"));
            Optional<String> id = reader.requiredString(keyNode.get("id"));
            Optional<String> secret = reader.requiredString(keyNode.get("secret"));
            boolean active = reader.bool(keyNode.get("active"), true);
            if (id.isEmpty() || secret.isEmpty()) {
                continue;
            }
            if (!ids.add(id.get())) {
                reader.problem(keyNode.get("id"), "key id '" + id.get() + "' is configured twice");
                continue;
            }
            try {
                TokenKey key = TokenKey.derive(id.get(),
                        SecretBytes.copyOf(secret.get().getBytes(StandardCharsets.UTF_8)));
                keys.add(key);
                if (active && issuing == null) {
                    issuing = key;
                }
            } catch (IllegalArgumentException e) {
                reader.problem(keyNode.get(e.getMessage().startsWith("a key id") ? "id" : "secret"), e.getMessage());
            }
        }
        if (keys.isEmpty() && reader.problems().stream().noneMatch(p -> p.startsWith("tokens.keys"))) {
            reader.problem(node.get("keys"), "at least one key is required, e.g. "
                    + "{ id: k1, secret: \"${PORTCULLIS_TOKEN_SECRET}\" }");
        } else if (!keys.isEmpty() && issuing == null) {
            reader.problem(node.get("keys"), "no key is active: one key must issue tokens");
        }
        return new Tokens(ttl, issuing == null ? null : new StaticKeyRing(issuing, keys), refresh);
    }

    /**
     * {@code tokens.refresh-ttl} (off when absent), {@code refresh-max-lifetime} (30 days) and
     * {@code refresh-reuse-interval} (10 s).
     */
    private static Optional<Refresh> refresh(ConfigNode node, Duration ttl, ConfigReader reader) {
        boolean on = node.get("refresh-ttl").exists() || node.get("refresh-ttl-seconds").exists()
                || node.get("refresh-ttl-ms").exists();
        Duration refreshTtl = reader.duration(node, "refresh-ttl", Duration.ZERO);
        Duration maxLifetime = reader.duration(node, "refresh-max-lifetime", Duration.ofDays(30));
        Duration reuse = reader.duration(node, "refresh-reuse-interval", Duration.ofSeconds(10));
        if (!on) {
            for (String key : List.of("refresh-max-lifetime", "refresh-reuse-interval")) {
                if (node.get(key).exists() || node.get(key + "-seconds").exists() || node.get(key + "-ms").exists()) {
                    reader.problem(node.get(key), "applies with tokens.refresh-ttl only (refresh tokens are off)");
                }
            }
            return Optional.empty();
        }
        if (refreshTtl.compareTo(Duration.ofMinutes(1)) < 0 || refreshTtl.compareTo(Duration.ofDays(366)) > 0) {
            reader.problem(node.get("refresh-ttl"), "must be between 1 minute and 366 days");
        }
        if (maxLifetime.compareTo(refreshTtl) < 0 || maxLifetime.compareTo(ttl) < 0
                || maxLifetime.compareTo(Duration.ofDays(366)) > 0) {
            reader.problem(node.get("refresh-max-lifetime"), "must be at least tokens.refresh-ttl and tokens.ttl, and "
                    + "at most 366 days");
        }
        if (reuse.compareTo(Duration.ofSeconds(60)) > 0) {
            reader.problem(node.get("refresh-reuse-interval"), "must be at most 60 seconds (0: any second use is "
                    + "reuse)");
        }
        return Optional.of(new Refresh(refreshTtl, maxLifetime, reuse));
    }

    private static Passwords passwords(ConfigNode node, ConfigReader reader) {
        reader.onlyKnownKeys(node, Set.of("argon2", "threads", "queue"));
        ConfigNode argon2 = node.get("argon2");
        reader.onlyKnownKeys(argon2, Set.of("memory-kib", "iterations", "parallelism"));
        Argon2Params defaults = Argon2Params.DEFAULT;
        Argon2Params params = defaults;
        try {
            params = new Argon2Params(
                    reader.integer(argon2.get("memory-kib"), defaults.memoryKib(), 8, 4 * 1024 * 1024),
                    reader.integer(argon2.get("iterations"), defaults.iterations(), 1, 100),
                    reader.integer(argon2.get("parallelism"), defaults.parallelism(), 1, 64));
        } catch (IllegalArgumentException e) {
            reader.problem(argon2, e.getMessage());
        }
        return new Passwords(params,
                reader.integer(node.get("threads"), PasswordPool.defaultThreads(), 1, 256),
                reader.integer(node.get("queue"), 64, 1, 100_000));
    }

    private static List<UserEntry> users(ConfigNode list, ConfigReader reader) {
        List<UserEntry> users = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode node : reader.nodes(list)) {
            reader.onlyKnownKeys(node, Set.of("username", "password", "roles", "allow", "totp-secret"));
            Optional<String> username = reader.requiredString(node.get("username"));
            Optional<String> password = reader.requiredString(node.get("password"));
            List<String> roles = reader.strings(node.get("roles"));
            roles.stream().flatMap(role -> roleProblem(role).stream())
                    .forEach(problem -> reader.problem(node.get("roles"), problem));
            List<Cidr> allow = reader.strings(node.get("allow")).stream()
                    .flatMap(text -> cidr(node.get("allow"), text, reader).stream()).toList();
            Optional<String> totpSecret = reader.string(node.get("totp-secret"));
            totpSecret.flatMap(TotpConfig::secretProblem).ifPresent(p -> reader.problem(node.get("totp-secret"), p));
            if (username.isEmpty() || password.isEmpty()) {
                continue;
            }
            Optional<String> nameProblem = usernameProblem(username.get());
            if (nameProblem.isPresent()) {
                reader.problem(node.get("username"), nameProblem.get());
            } else if (!names.add(username.get())) {
                reader.problem(node.get("username"), "user '" + username.get() + "' is configured twice");
            } else {
                users.add(new UserEntry(username.get(), password.get(), roles, allow, totpSecret));
            }
        }
        return users;
    }

    /** What is wrong with {@code username} as a login name, if anything (the CLI checks names it adds so). */
    public static Optional<String> usernameProblem(String username) {
        return USERNAME.matcher(username).matches() ? Optional.empty()
                : Optional.of("must be 1 to 128 visible ASCII characters (no spaces): it travels to backends in a "
                        + "header");
    }

    /** What is wrong with {@code role} as a role name, if anything. */
    public static Optional<String> roleProblem(String role) {
        return ROLE.matcher(role).matches() ? Optional.empty()
                : Optional.of("'" + role + "' is not a role name (1 to 64 of A-Z a-z 0-9 . _ : -)");
    }

    /**
     * A duration as config values are written ({@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, ISO-8601).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Duration parseDuration(String text) {
        return ConfigReader.parseDuration(text.strip());
    }

    /**
     * The Argon2 parameters for new hashes that {@code file} sets under {@code passwords.argon2}, or the defaults
     * when it has no such section (a users file). Nothing else in the file is read or checked.
     *
     * @throws ConfigException when the section is there but invalid
     */
    public static Argon2Params argon2Of(Path file) {
        requireReadable(file);
        ConfigNode root = ConfigNode.parse(text(file), file.toString(), Map.of(), false);
        ConfigReader reader = new ConfigReader();
        Passwords passwords = passwords(root.get("passwords"), reader);
        reader.throwIfAny();
        return passwords.argon2();
    }

    private static RateLimit rateLimit(ConfigNode node, RateLimit defaults, ConfigReader reader) {
        reader.onlyKnownKeys(node, Set.of("requests-per-second", "burst", "block-delay", "block-delay-ms",
                "block-delay-seconds"));
        double rps = reader.number(node.get("requests-per-second"), defaults.requestsPerSecond(), 0, 1_000_000);
        int burst = reader.integer(node.get("burst"), defaults.burst(), 0, 1_000_000);
        Duration block = reader.duration(node, "block-delay", defaults.blockDelay());
        try {
            return new RateLimit(rps, burst, block);
        } catch (IllegalArgumentException e) {
            reader.problem(node.get("burst"), e.getMessage());
            return defaults;
        }
    }

    private static Optional<Cidr> cidr(ConfigNode node, String text, ConfigReader reader) {
        try {
            return Optional.of(Cidr.parse(text));
        } catch (IllegalArgumentException e) {
            reader.problem(node, e.getMessage());
            return Optional.empty();
        }
    }

    private static Store store(ConfigNode node, Path base, ConfigReader reader) {
        reader.onlyKnownKeys(node, Set.of("type", "data-dir", "region", "endpoint", "table-prefix",
                "shared-rate-limits", "rate-limit-lease", "rate-limit-failure", "timeout", "timeout-ms",
                "timeout-seconds", "revocation-max-staleness", "revocation-max-staleness-ms",
                "revocation-max-staleness-seconds", "create-tables"));
        StoreType type = reader.parsed(node.get("type"), text -> enumValue(StoreType.class, text,
                "must be memory, embedded or dynamodb")).orElse(StoreType.EMBEDDED);
        Path dataDir = base.resolve(reader.string(node.get("data-dir")).orElse("data"));
        Optional<java.net.URI> endpoint = reader.parsed(node.get("endpoint"), text -> {
            java.net.URI uri = java.net.URI.create(text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("must be a URL such as http://localhost:8000");
            }
            return uri;
        });
        String prefix = reader.string(node.get("table-prefix")).orElse("portcullis-");
        if (!prefix.matches("[A-Za-z0-9_.-]{0,200}")) {
            reader.problem(node.get("table-prefix"), "may hold only A-Z a-z 0-9 _ . -");
        }
        Duration timeout = reader.duration(node, "timeout", Duration.ofSeconds(1));
        Duration staleness = reader.duration(node, "revocation-max-staleness", Duration.ofSeconds(5));
        if (timeout.isZero() || staleness.compareTo(Duration.ofSeconds(1)) < 0) {
            reader.problem(node, "timeout must be above zero and revocation-max-staleness at least 1s");
        }
        return new Store(type, dataDir, reader.string(node.get("region")), endpoint, prefix,
                reader.bool(node.get("shared-rate-limits"), type == StoreType.DYNAMODB),
                reader.integer(node.get("rate-limit-lease"), 1, 1, 1000),
                reader.parsed(node.get("rate-limit-failure"), text -> enumValue(GatewayConfig.FailureMode.class, text,
                        "must be deny or allow")).orElse(GatewayConfig.FailureMode.DENY),
                timeout, staleness, reader.bool(node.get("create-tables"), type != StoreType.DYNAMODB));
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String message) {
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(message);
        }
    }

    private static IdentityHeaders identityHeaders(ConfigNode node, ConfigReader reader) {
        reader.onlyKnownKeys(node, Set.of("user", "roles", "token-id"));
        IdentityHeaders headers = new IdentityHeaders(
                headerName(node.get("user"), "x-user", reader),
                headerName(node.get("roles"), "x-user-roles", reader),
                headerName(node.get("token-id"), "x-token-id", reader));
        if (new HashSet<>(headers.all()).size() != 3) {
            reader.problem(node, "the three identity headers must have different names");
        }
        return headers;
    }

    private static String headerName(ConfigNode node, String defaultName, ConfigReader reader) {
        String name = reader.string(node).orElse(defaultName).toLowerCase(Locale.ROOT);
        if (!HEADER_NAME.matcher(name).matches()) {
            reader.problem(node, "is not a valid header name");
        } else if (HopByHop.HEADERS.contains(name) || RESERVED_HEADERS.contains(name)) {
            reader.problem(node, "'" + name + "' is a header the gateway manages itself; choose another name");
        }
        return name;
    }

    private static Upstream upstream(ConfigNode node, ConfigReader reader) {
        reader.onlyKnownKeys(node, Set.of("connect-timeout", "connect-timeout-ms", "connect-timeout-seconds",
                "read-timeout", "read-timeout-ms", "read-timeout-seconds", "idle-timeout", "idle-timeout-ms",
                "idle-timeout-seconds", "max-connections-per-backend", "queue-timeout", "queue-timeout-ms",
                "queue-timeout-seconds"));
        Duration connect = reader.duration(node, "connect-timeout", Duration.ofSeconds(5));
        Duration read = reader.duration(node, "read-timeout", Duration.ofSeconds(30));
        Duration idle = reader.duration(node, "idle-timeout", Duration.ofSeconds(4));
        Duration queue = reader.duration(node, "queue-timeout", Duration.ofSeconds(10));
        int perBackend = reader.integer(node.get("max-connections-per-backend"), 512, 1, 65536);
        if (connect.isZero() || read.isZero() || idle.isZero() || queue.isZero()) {
            reader.problem(node, "timeouts must be greater than zero");
        }
        return new Upstream(connect, read, idle, perBackend, queue);
    }

    /** {@code cors: { origins: [https://app.example], max-age: 1h }}. */
    private static Cors cors(ConfigNode node, ConfigReader reader) {
        reader.onlyKnownKeys(node, Set.of("origins", "max-age", "max-age-seconds", "max-age-ms"));
        List<String> origins = reader.strings(node.get("origins"));
        for (String origin : origins) {
            java.net.URI uri = null;
            try {
                uri = java.net.URI.create(origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin);
            } catch (IllegalArgumentException e) {
                // reported below
            }
            if (origin.equals("*") || uri == null || uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
                reader.problem(node.get("origins"), "'" + origin + "' is not an origin such as https://app.example "
                        + "(a wildcard would let every site act with the user's credentials)");
            }
        }
        return origins.isEmpty() ? Cors.NONE : new Cors(origins, reader.duration(node, "max-age", Duration.ofHours(1)));
    }

    /** {@code proxyauth: { admin-token, stats, timezone, logout-redirect-url }}: ProxyAuth's endpoints and formats. */
    private static Optional<ProxyAuthCompat> proxyAuth(ConfigNode node, ConfigReader reader) {
        if (!node.exists()) {
            return Optional.empty();
        }
        reader.onlyKnownKeys(node, Set.of("admin-token", "stats", "timezone", "logout-redirect-url"));
        Optional<String> adminToken = reader.string(node.get("admin-token")).filter(t -> !t.isEmpty());
        if (adminToken.isPresent() && adminToken.get().length() < 32) {
            reader.problem(node.get("admin-token"), "is " + adminToken.get().length() + " characters; use at least "
                    + "32 random ones (openssl rand -hex 32)");
        }
        java.time.ZoneId zone = reader.parsed(node.get("timezone"), text -> {
            try {
                return java.time.ZoneId.of(text);
            } catch (java.time.DateTimeException e) {
                throw new IllegalArgumentException("is not a time zone name such as Europe/Paris or UTC");
            }
        }).orElse(java.time.ZoneId.of("Europe/Paris"));
        Optional<String> logout = reader.string(node.get("logout-redirect-url"));
        if (logout.isPresent() && !logout.get().startsWith("/") && !logout.get().matches("https?://[^\\s]+")) {
            reader.problem(node.get("logout-redirect-url"), "must be a path (/login) or an http(s) URL");
        }
        return Optional.of(new ProxyAuthCompat(adminToken, reader.bool(node.get("stats"), false), zone, logout));
    }

    private static void requireReadable(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException("config file: cannot read " + file.toAbsolutePath());
        }
    }
}
