package io.portcullis.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ProxyAuth's {@code config.json} and {@code routes.yml} ({@link ProxyAuthRoutes}), read unchanged: every key is
 * translated into the
 * Portcullis configuration it means, then validated by {@link ConfigLoader} like a YAML file, so both are one
 * configuration written two ways. Problems name the ProxyAuth file and key ({@code config.json: secret: …}).
 *
 * <p>Keys are honoured, or refused naming them, or (where ProxyAuth's key has no effect here) warned about; none
 * is silently dropped. ProxyAuth's weak spots become errors or warnings: a short secret, a route without
 * {@code secure} (ProxyAuth opens it; here it needs a token, with a warning), a bad regex, an unreadable
 * certificate, a bad proxy URL. Environment variables override keys as for YAML ({@code STORE_TYPE=dynamodb}).
 */
public final class ProxyAuthFiles {
    /**
     * The configuration, the merged tree (for the {@code server} section), the warnings to log, and what a
     * start writes back into {@code config.json} (hashed passwords, a generated {@code token_admin}).
     */
    public record Loaded(GatewayConfig config, ConfigNode root, List<String> warnings, ConfigRewrite rewrite) {
        public Loaded {
            warnings = List.copyOf(warnings);
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    static final String CONFIG = "config.json: ";
    /** Every boolean key of config.json, checked whether or not it takes effect here. */
    private static final List<String> BOOLEANS = List.of("stats", "login_via_otp", "session_cookie", "tls",
            "csrf_token", "fast");
    private static final String SECRET_VARIABLE = "TOKENS_KEYS_0_SECRET";
    private static final Set<String> NO_EFFECT = Set.of("worker", "num_instances", "pending_connections_limit",
            "keep_alive", "max_idle_per_host", "fast");
    /** The keys of ProxyAuth 0.8's config.json, and Portcullis's own {@code trusted_proxies}. */
    static final Set<String> CONFIG_KEYS = Set.of("token_expiry_seconds", "secret", "users", "log",
            "token_admin", "host", "port", "worker", "num_instances", "ratelimit_auth", "ratelimit_proxy", "stats",
            "max_idle_per_host", "timezone", "login_via_otp", "max_connections", "pending_connections_limit",
            "socket_listen", "client_timeout", "keep_alive", "redis", "cors_origins", "session_cookie",
            "max_age_session_cookie", "login_redirect_url", "logout_redirect_url", "tls", "csrf_token", "fast",
            "trusted_proxies");

    private final ProxyAuthTranslation translation = new ProxyAuthTranslation();
    private final ObjectNode tree = translation.tree;
    private final Map<String, String> origins = translation.origins;
    private final List<String> problems = translation.problems;
    private final List<String> warnings = translation.warnings;
    private final Path configDir;
    private final Map<String, Boolean> flags = new java.util.HashMap<>();
    private Optional<String> generatedAdminToken = Optional.empty();

    private ProxyAuthFiles(Path configJson) {
        this.configDir = configJson.toAbsolutePath().getParent();
    }

    /**
     * Reads both files, with {@code env} as environment variables. Nothing is written here: a missing or empty
     * {@code token_admin} is generated (as ProxyAuth does), and the {@link Loaded#rewrite} writes it back into
     * {@code config.json} with the hashed passwords when the server starts.
     *
     * @throws ConfigException naming every problem
     */
    public static Loaded load(Path configJson, Path routesYml, Map<String, String> env) {
        ProxyAuthFiles files = new ProxyAuthFiles(configJson);
        ObjectNode config = files.readConfig(configJson);
        JsonNode routes = ProxyAuthRoutes.read(routesYml, files.translation);
        files.translateConfig(config);
        new ProxyAuthRoutes(files.translation, routesYml.toAbsolutePath().getParent()).translate(routes);
        Map<String, String> variables = ConfigLoader.withAliases(env);
        if (variables.containsKey("tokens.keys.0.secret")) {
            files.origins.put("tokens.keys.0.secret", SECRET_VARIABLE + " (environment)");
            files.translation.hints.remove("tokens.keys.0.secret");
        }
        String json = files.tree.toString();
        ConfigNode root = ConfigNode.parse(json, configJson.toString(), variables, true);
        ConfigNode written = root.written();
        List<String> all = new ArrayList<>(files.problems);
        GatewayConfig gatewayConfig = null;
        try {
            gatewayConfig = ConfigLoader.read(root, written, files.configDir);
        } catch (ConfigException e) {
            e.problems().stream().map(files.translation::named).forEach(all::add);
        }
        if (!all.isEmpty()) {
            throw new ConfigException(all);
        }
        List<String> warnings = new ArrayList<>(files.warnings);
        gatewayConfig.warnings().stream().map(files.translation::named).forEach(warnings::add);
        return new Loaded(gatewayConfig, root, warnings,
                ConfigRewrite.ofProxyAuth(configJson, gatewayConfig.users(), files.generatedAdminToken));
    }

    /** The file as JSON, as ProxyAuth reads it: a byte order mark, tabs and CRLF line ends are all fine. */
    private ObjectNode readConfig(Path file) {
        try {
            JsonNode node = JSON.readTree(FileValues.withoutBom(Files.readString(file, StandardCharsets.UTF_8)));
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new ConfigException(CONFIG + "must hold a JSON object");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            throw new ConfigException(CONFIG + "is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr()
                    + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException(CONFIG + "cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    private void translateConfig(ObjectNode config) {
        BOOLEANS.forEach(key -> translation.bool(config, key, CONFIG).ifPresent(value -> flags.put(key, value)));
        config.fieldNames().forEachRemaining(key -> {
            if (!CONFIG_KEYS.contains(key)) {
                problems.add(CONFIG + key + ": unknown key (not one of ProxyAuth 0.8's config.json keys)");
            } else if (NO_EFFECT.contains(key)) {
                warnings.add(CONFIG + key + ": has no effect in Portcullis (" + noEffectReason(key) + ")");
            }
        });
        ObjectNode tokens = tree.putObject("tokens");
        translation.copy(config, "token_expiry_seconds", tokens, "ttl-seconds", "tokens", CONFIG);
        ObjectNode key = tokens.putArray("keys").addObject().put("id", "proxyauth");
        translation.copy(config, "secret", key, "secret", "tokens.keys.0", CONFIG);
        origins.put("tokens.keys", CONFIG + "secret");
        translation.hints.put("tokens.keys.0.secret", "config.json can stay as it is: give Portcullis its own secret "
                + "in the environment instead, " + SECRET_VARIABLE + "=<32 random bytes, generated once and kept: "
                + "openssl rand -base64 32> (in the service's environment file, say). Tokens ProxyAuth issued cannot "
                + "be carried over anyway (Portcullis cannot open them): users log in again whatever the secret");
        if (!config.has("token_expiry_seconds")) {
            problems.add(CONFIG + "token_expiry_seconds: is required");
        }
        boolean otp = flags.getOrDefault("login_via_otp", false);
        users(config.get("users"), otp);
        ObjectNode server = tree.putObject("server");
        server.put("host", text(config.get("host"), "0.0.0.0"));
        server.set("port", config.has("port") ? config.get("port") : JSON.getNodeFactory().numberNode(8080));
        copyRaw(config, "max_connections", server, "max-tcp-connections");
        copyRaw(config, "socket_listen", server, "backlog");
        listenerTls(config, server);
        rateLimit(config, "ratelimit_auth", "auth");
        rateLimit(config, "ratelimit_proxy", "proxy");
        ObjectNode upstream = tree.putObject("upstream");
        translation.copy(config, "client_timeout", upstream, "read-timeout-ms", "upstream", CONFIG);
        if (config.get("cors_origins") instanceof ArrayNode origins && !origins.isEmpty()) {
            tree.putObject("cors").set("origins", origins);
            this.origins.put("cors.origins", CONFIG + "cors_origins");
        }
        browser(config);
        if (otp) {
            // ProxyAuth's secrets were enrolled with its URIs: SHA-512, issuer ProxyAuth.
            tree.putObject("totp").put("required", true).put("algorithm", "SHA512").put("issuer", "ProxyAuth");
            origins.put("totp", CONFIG + "login_via_otp");
        }
        if (config.hasNonNull("redis") && !config.get("redis").asText().isEmpty()) {
            problems.add(CONFIG + "redis: ProxyAuth's Redis revocation sync is not used: instances share revocations "
                    + "through a shared store instead. Remove the key, and run every instance with "
                    + "STORE_TYPE=dynamodb (see README, Migrating from ProxyAuth)");
        }
        if (config.hasNonNull("trusted_proxies")) {
            tree.set("trusted-proxies", config.get("trusted_proxies"));
            origins.put("trusted-proxies", CONFIG + "trusted_proxies");
        }
        log(config.get("log"));
        proxyAuthSection(config);
    }

    private static String noEffectReason(String key) {
        return switch (key) {
            case "worker", "num_instances" -> "requests run on virtual threads; one process serves every core";
            case "pending_connections_limit" -> "socket_listen sets the listen backlog";
            case "keep_alive" -> "the server's and the upstream pool's idle timeouts have their own defaults";
            case "max_idle_per_host" -> "the upstream connection pool sizes itself";
            default -> "tokens are not obfuscated, so there is nothing to skip";
        };
    }

    private void users(JsonNode users, boolean otpRequired) {
        if (!(users instanceof ArrayNode list)) {
            problems.add(CONFIG + "users: is required, a list");
            return;
        }
        origins.put("users", CONFIG + "users");
        ArrayNode out = tree.putArray("users");
        for (int i = 0; i < list.size(); i++) {
            JsonNode user = list.get(i);
            ObjectNode copy = out.addObject();
            if (!(user instanceof ObjectNode object)) {
                problems.add(CONFIG + "users." + i + ": must be an object");
                continue;
            }
            int index = i;
            object.fieldNames().forEachRemaining(name -> {
                switch (name) {
                    case "username", "password", "roles", "allow" -> copy.set(name, object.get(name));
                    case "otpkey" -> {
                        if (otpRequired) {
                            copy.set("totp-secret", object.get(name));
                            origins.put("users." + index + ".totp-secret", CONFIG + "users." + index + ".otpkey");
                        } else {
                            warnings.add(CONFIG + "users." + index + ".otpkey: has no effect while login_via_otp "
                                    + "is false");
                        }
                    }
                    default -> problems.add(CONFIG + "users." + index + "." + name
                            + ": unknown key (a user has username, password, otpkey, allow, roles)");
                }
            });
            if (copy.get("allow") instanceof ArrayNode allow && allow.isEmpty()) {
                copy.remove("allow");
            }
            if (copy.get("roles") instanceof ArrayNode roles && roles.isEmpty()) {
                copy.remove("roles");
            }
        }
    }

    /** ProxyAuth serves TLS unless {@code "tls": false}, from {@code certs/} beside its config directory. */
    private void listenerTls(ObjectNode config, ObjectNode server) {
        if (config.hasNonNull("tls") && !flags.getOrDefault("tls", false)) {
            return; // false, or not a boolean (a problem already)
        }
        Path certs = configDir.resolveSibling("certs");
        Path cert = certs.resolve("cert.pem");
        Path key = certs.resolve("key.pem");
        if (!Files.isReadable(cert) || !Files.isReadable(key)) {
            problems.add(CONFIG + "tls: is true (ProxyAuth's default) but " + cert + " and " + key + " cannot "
                    + "both be read; provide them, or set \"tls\": false to serve plain HTTP behind a TLS proxy");
            return;
        }
        ObjectNode pem = server.putObject("tls").putObject("private-key").putObject("pem");
        pem.putObject("key").putObject("resource").put("path", key.toString());
        pem.putObject("cert-chain").putObject("resource").put("path", cert.toString());
    }

    private void rateLimit(ObjectNode config, String name, String portcullis) {
        ObjectNode out = tree.with("rate-limits").putObject(portcullis);
        JsonNode limit = config.get(name);
        if (limit == null) {
            // ProxyAuth's default; for logins, the configuration's warnings say what that means.
            out.put("requests-per-second", 0);
            origins.put("rate-limits." + portcullis + ".requests-per-second", CONFIG + name + " (not set)");
            return;
        }
        if (!(limit instanceof ObjectNode object)) {
            problems.add(CONFIG + name + ": must be an object");
            return;
        }
        String path = "rate-limits." + portcullis;
        origins.put(path, CONFIG + name);
        object.fieldNames().forEachRemaining(key -> {
            switch (key) {
                case "requests_per_second" -> translation.copy(object, key, out, "requests-per-second", path, CONFIG + name + ".");
                case "burst" -> translation.copy(object, key, out, "burst", path, CONFIG + name + ".");
                case "block_delay" -> translation.copy(object, key, out, "block-delay-ms", path, CONFIG + name + ".");
                default -> problems.add(CONFIG + name + "." + key
                        + ": unknown key (requests_per_second, burst, block_delay)");
            }
        });
    }

    /**
     * {@code session_cookie}: browser sessions in ProxyAuth's cookie name. Its {@code logout_redirect_url} is
     * also where it shows login errors, so failed browser logins are sent there with {@code ?error=<code>}.
     */
    private void browser(ObjectNode config) {
        if (!flags.getOrDefault("session_cookie", false)) {
            return;
        }
        ObjectNode browser = tree.putObject("browser").put("cookie", "session_token");
        origins.put("browser", CONFIG + "session_cookie");
        translation.copy(config, "max_age_session_cookie", browser, "max-age-seconds", "browser", CONFIG);
        translation.copy(config, "login_redirect_url", browser, "login-redirect", "browser", CONFIG);
        translation.copy(config, "logout_redirect_url", browser, "logout-redirect", "browser", CONFIG);
        if (flags.containsKey("csrf_token")) {
            browser.put("csrf", flags.get("csrf_token"));
            origins.put("browser.csrf", CONFIG + "csrf_token");
        }
        String logout = config.path("logout_redirect_url").asText("");
        if (!logout.isEmpty() && !logout.contains("?") && !logout.contains("#")) {
            browser.put("login-error-redirect", logout);
            origins.put("browser.login-error-redirect", CONFIG + "logout_redirect_url");
        }
    }

    /**
     * ProxyAuth's {@code log}: {@code local} and {@code disabled} as they are, {@code loki} with its {@code host}
     * (the server's URL; the push path is added). Its {@code http} mode kept lines in memory for
     * {@code /adm/logs}, which is not served here: those lines go to stdout instead, with a warning.
     */
    private void log(JsonNode node) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!(node instanceof ObjectNode log)) {
            problems.add(CONFIG + "log: must be an object such as {\"type\": \"local\"}");
            return;
        }
        log.fieldNames().forEachRemaining(key -> {
            if (!Set.of("type", "host", "write_max_logs").contains(key)) {
                problems.add(CONFIG + "log." + key + ": unknown key (type, host, write_max_logs)");
            }
        });
        ObjectNode section = tree.putObject("log");
        String type = log.path("type").asText("local").toLowerCase(Locale.ROOT);
        switch (type) {
            case "local", "disabled" -> section.put("type", type);
            case "loki" -> {
                section.put("type", "loki");
                translation.copy(log, "host", section, "loki-url", "log", CONFIG + "log.");
                origins.put("log.loki-url", CONFIG + "log.host");
            }
            case "http" -> {
                section.put("type", "local");
                warnings.add(CONFIG + "log.type: http (lines kept for /adm/logs) is not served here: the lines go "
                        + "to stdout as JSON instead (or use loki)");
            }
            default -> problems.add(CONFIG + "log.type: must be local, loki, http or disabled");
        }
        origins.put("log.type", CONFIG + "log.type");
        if (log.has("write_max_logs")) {
            warnings.add(CONFIG + "log.write_max_logs: has no effect (it sized the http mode's buffer)");
        }
    }

    /**
     * ProxyAuth's endpoints. A {@code token_admin} that is missing, null or blank is generated as ProxyAuth does
     * (64 hex digits), for the {@link ConfigRewrite} to write into the file.
     */
    private void proxyAuthSection(ObjectNode config) {
        ObjectNode section = tree.putObject("proxyauth");
        JsonNode admin = config.get("token_admin");
        origins.put("proxyauth.admin-token", CONFIG + "token_admin");
        if (admin == null || admin.isNull() || admin.isTextual() && admin.textValue().isBlank()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            generatedAdminToken = Optional.of(HexFormat.of().formatHex(random));
            section.put("admin-token", generatedAdminToken.get());
        } else {
            section.set("admin-token", admin);
        }
        if (flags.containsKey("stats")) {
            section.put("stats", flags.get("stats"));
            origins.put("proxyauth.stats", CONFIG + "stats");
        }
        translation.copy(config, "timezone", section, "timezone", "proxyauth", CONFIG);
        translation.copy(config, "logout_redirect_url", section, "logout-redirect-url", "proxyauth", CONFIG);
        tree.putObject("store").put("data-dir", "data");
    }

    private static void copyRaw(ObjectNode from, String key, ObjectNode to, String name) {
        if (from.hasNonNull(key)) {
            to.set(name, from.get(key));
        }
    }

    private static String text(JsonNode node, String fallback) {
        return node == null || node.isNull() ? fallback : node.asText();
    }
}
