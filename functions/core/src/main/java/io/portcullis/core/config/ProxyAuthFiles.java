package io.portcullis.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * ProxyAuth's {@code config.json} and {@code routes.yml}, read unchanged: every key is translated into the
 * Portcullis configuration it means, then validated by {@link ConfigLoader} like a YAML file, so both are one
 * configuration written two ways. Problems name the ProxyAuth file and key ({@code config.json: secret: …}).
 *
 * <p>Keys are honoured, or refused naming them, or (where ProxyAuth's key has no effect here) warned about; none
 * is silently dropped. ProxyAuth's weak spots become errors or warnings: a short secret, a route without
 * {@code secure} (ProxyAuth opens it; here it needs a token, with a warning), a bad regex, an unreadable
 * certificate, a bad proxy URL. Environment variables override keys as for YAML ({@code STORE_TYPE=dynamodb}).
 */
public final class ProxyAuthFiles {
    /** The configuration, the merged Helidon tree (for the {@code server} section) and the warnings to log. */
    public record Loaded(GatewayConfig config, Config root, List<String> warnings) {
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final String CONFIG = "config.json: ";
    private static final String ROUTES = "routes.yml: ";
    private static final Set<String> NO_EFFECT = Set.of("worker", "num_instances", "pending_connections_limit",
            "keep_alive", "max_idle_per_host", "fast");
    /** Browser session mode (issue 8): inert while {@code session_cookie} is off, as in ProxyAuth. */
    private static final Set<String> SESSION_MODE = Set.of("csrf_token", "max_age_session_cookie",
            "login_redirect_url");
    private static final Set<String> CONFIG_KEYS = Set.of("token_expiry_seconds", "secret", "users", "log",
            "token_admin", "host", "port", "worker", "num_instances", "ratelimit_auth", "ratelimit_proxy", "stats",
            "max_idle_per_host", "timezone", "login_via_otp", "max_connections", "pending_connections_limit",
            "socket_listen", "client_timeout", "keep_alive", "redis", "cors_origins", "session_cookie",
            "max_age_session_cookie", "login_redirect_url", "logout_redirect_url", "tls", "csrf_token", "fast");
    private static final Set<String> ROUTE_KEYS = Set.of("prefix", "target", "username", "secure", "proxy",
            "proxy_config", "cert", "backends", "need_csrf", "cache", "secure_path", "preserve_prefix",
            "allow_methods", "filters");

    private final ObjectNode tree = JSON.createObjectNode();
    /** Portcullis key → the ProxyAuth file and key it came from, for problem messages. */
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Path configDir;
    private final Path routesDir;

    private ProxyAuthFiles(Path configJson, Path routesYml) {
        this.configDir = configJson.toAbsolutePath().getParent();
        this.routesDir = routesYml.toAbsolutePath().getParent();
    }

    /**
     * Reads both files, with {@code env} as environment variables. An empty {@code token_admin} is generated and
     * written back into {@code config.json} (as ProxyAuth does), atomically, every other byte kept.
     *
     * @throws ConfigException naming every problem
     */
    public static Loaded load(Path configJson, Path routesYml, Map<String, String> env) {
        ProxyAuthFiles files = new ProxyAuthFiles(configJson, routesYml);
        ObjectNode config = files.readConfig(configJson);
        JsonNode routes = files.readRoutes(routesYml);
        files.translateConfig(config, configJson);
        files.translateRoutes(routes);
        String json = files.tree.toString();
        Config root = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(ConfigLoader.withAliases(env)).build(),
                        ConfigSources.create(json, MediaTypes.APPLICATION_YAML))
                .failOnMissingValueReference(true)
                .build();
        Config written = Config.just(ConfigSources.create(json, MediaTypes.APPLICATION_YAML));
        List<String> all = new ArrayList<>(files.problems);
        GatewayConfig gatewayConfig = null;
        try {
            gatewayConfig = ConfigLoader.read(root, written, files.configDir);
        } catch (ConfigException e) {
            e.problems().stream().map(files::named).forEach(all::add);
        }
        if (!all.isEmpty()) {
            throw new ConfigException(all);
        }
        return new Loaded(gatewayConfig, root, List.copyOf(files.warnings));
    }

    private ObjectNode readConfig(Path file) {
        try {
            JsonNode node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new ConfigException(CONFIG + "must hold a JSON object");
        } catch (IOException e) {
            throw new ConfigException(CONFIG + "cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    private JsonNode readRoutes(Path file) {
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            Object yaml = new Yaml(new SafeConstructor(options)).load(Files.readString(file, StandardCharsets.UTF_8));
            JsonNode node = JSON.valueToTree(yaml);
            if (!(node instanceof ObjectNode object)) {
                throw new ConfigException(ROUTES + "must hold a map with a routes list");
            }
            object.fieldNames().forEachRemaining(key -> {
                if (!key.equals("routes")) {
                    problems.add(ROUTES + key + ": unknown key (ProxyAuth's routes.yml has only routes)");
                }
            });
            if (!(object.get("routes") instanceof ArrayNode routes)) {
                throw new ConfigException(ROUTES + "routes: is required, a list");
            }
            return routes;
        } catch (IOException e) {
            throw new ConfigException(ROUTES + "cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof ConfigException) {
                throw e;
            }
            throw new ConfigException(ROUTES + "is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private void translateConfig(ObjectNode config, Path file) {
        config.fieldNames().forEachRemaining(key -> {
            if (!CONFIG_KEYS.contains(key)) {
                problems.add(CONFIG + key + ": unknown key (not one of ProxyAuth 0.8's config.json keys)");
            } else if (NO_EFFECT.contains(key)) {
                warnings.add(CONFIG + key + ": has no effect in Portcullis (" + noEffectReason(key) + ")");
            }
        });
        ObjectNode tokens = tree.putObject("tokens");
        copy(config, "token_expiry_seconds", tokens, "ttl-seconds", "tokens", CONFIG);
        ObjectNode key = tokens.putArray("keys").addObject().put("id", "proxyauth");
        copy(config, "secret", key, "secret", "tokens.keys.0", CONFIG);
        origins.put("tokens.keys", CONFIG + "secret");
        if (!config.has("token_expiry_seconds")) {
            problems.add(CONFIG + "token_expiry_seconds: is required");
        }
        users(config.get("users"));
        ObjectNode server = tree.putObject("server");
        server.put("host", text(config.get("host"), "0.0.0.0"));
        server.set("port", config.has("port") ? config.get("port") : JSON.getNodeFactory().numberNode(8080));
        copyRaw(config, "max_connections", server, "max-tcp-connections");
        copyRaw(config, "socket_listen", server, "backlog");
        listenerTls(config, server);
        rateLimit(config, "ratelimit_auth", "auth");
        rateLimit(config, "ratelimit_proxy", "proxy");
        ObjectNode upstream = tree.putObject("upstream");
        copy(config, "client_timeout", upstream, "read-timeout-ms", "upstream", CONFIG);
        if (config.get("cors_origins") instanceof ArrayNode origins && !origins.isEmpty()) {
            tree.putObject("cors").set("origins", origins);
            this.origins.put("cors.origins", CONFIG + "cors_origins");
        }
        refuseWhenOn(config, "session_cookie", "browser session cookies are not supported yet (issue 8); "
                + "clients send the token as Authorization: Bearer");
        refuseWhenOn(config, "login_via_otp", "TOTP logins are not supported yet (issue 8)");
        if (config.hasNonNull("redis") && !config.get("redis").asText().isEmpty()) {
            problems.add(CONFIG + "redis: ProxyAuth's Redis revocation sync is not used: instances share revocations "
                    + "through a shared store instead. Remove the key, and run every instance with "
                    + "STORE_TYPE=dynamodb (see README, Migrating from ProxyAuth)");
        }
        log(config.get("log"));
        proxyAuthSection(config, file);
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

    private void users(JsonNode users) {
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
                        // Only read when login_via_otp is on, which is refused until TOTP lands (issue 8).
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
        if (config.has("tls") && !config.get("tls").isBoolean()) {
            problems.add(CONFIG + "tls: must be true or false");
            return;
        }
        if (config.has("tls") && !config.get("tls").asBoolean()) {
            return;
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
            out.put("requests-per-second", 0);
            if (portcullis.equals("auth")) {
                warnings.add(CONFIG + name + ": not set, so logins are not rate-limited (as in ProxyAuth) and "
                        + "passwords can be guessed as fast as Argon2 allows; set it, e.g. "
                        + "{\"requests_per_second\": 1, \"burst\": 10, \"block_delay\": 500}");
            }
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
                case "requests_per_second" -> copy(object, key, out, "requests-per-second", path, CONFIG + name + ".");
                case "burst" -> copy(object, key, out, "burst", path, CONFIG + name + ".");
                case "block_delay" -> copy(object, key, out, "block-delay-ms", path, CONFIG + name + ".");
                default -> problems.add(CONFIG + name + "." + key
                        + ": unknown key (requests_per_second, burst, block_delay)");
            }
        });
    }

    private void refuseWhenOn(ObjectNode config, String key, String why) {
        if (config.has(key) && config.get(key).asBoolean(false)) {
            problems.add(CONFIG + key + ": " + why);
        }
    }

    /** Logs go to stdout; shipping them (Loki, the {@code /adm/logs} buffer) is issue 10. */
    private void log(JsonNode log) {
        if (log == null) {
            return;
        }
        String type = log.path("type").asText("local").toLowerCase(Locale.ROOT);
        log.fieldNames().forEachRemaining(key -> {
            if (!Set.of("type", "host", "write_max_logs").contains(key)) {
                problems.add(CONFIG + "log." + key + ": unknown key (type, host, write_max_logs)");
            }
        });
        switch (type) {
            case "local" -> {
            }
            case "disabled" -> warnings.add(CONFIG + "log.type: disabled has no effect: Portcullis logs to stdout "
                    + "(access lines never hold tokens)");
            case "loki", "http" -> problems.add(CONFIG + "log.type: " + type + " is not supported yet (issue 10: "
                    + "log shipping); use local (stdout)");
            default -> problems.add(CONFIG + "log.type: must be local, loki, http or disabled");
        }
    }

    private void proxyAuthSection(ObjectNode config, Path file) {
        ObjectNode section = tree.putObject("proxyauth");
        JsonNode admin = config.get("token_admin");
        if (admin == null || admin.isNull()) {
            warnings.add(CONFIG + "token_admin: not set, so /adm/revoke and /adm/stats are off");
        } else if (admin.isTextual() && admin.textValue().isEmpty()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String generated = HexFormat.of().formatHex(random);
            if (PlaintextPasswords.replaceTopLevelScalar(file, "token_admin", "", generated)) {
                section.put("admin-token", generated);
                warnings.add(CONFIG + "token_admin: was empty; a random one was generated and written into "
                        + file.getFileName());
            } else {
                problems.add(CONFIG + "token_admin: is empty and could not be replaced in the file");
            }
        } else {
            section.set("admin-token", admin);
            origins.put("proxyauth.admin-token", CONFIG + "token_admin");
        }
        copy(config, "stats", section, "stats", "proxyauth", CONFIG);
        copy(config, "timezone", section, "timezone", "proxyauth", CONFIG);
        copy(config, "logout_redirect_url", section, "logout-redirect-url", "proxyauth", CONFIG);
        tree.putObject("store").put("data-dir", "data");
    }

    private void translateRoutes(JsonNode routes) {
        ArrayNode out = tree.putArray("routes");
        for (int i = 0; i < routes.size(); i++) {
            String at = "routes." + i;
            origins.put(at, ROUTES + at);
            ObjectNode route = out.addObject();
            if (!(routes.get(i) instanceof ObjectNode in)) {
                problems.add(ROUTES + at + ": must be a map");
                continue;
            }
            in.fieldNames().forEachRemaining(key -> {
                if (!ROUTE_KEYS.contains(key)) {
                    problems.add(ROUTES + at + "." + key + ": unknown key (not one of ProxyAuth's route keys)");
                }
            });
            route(in, route, at);
        }
    }

    private void route(ObjectNode in, ObjectNode route, String at) {
        String described = at + " (prefix " + in.path("prefix").asText("?") + ")";
        copy(in, "prefix", route, "prefix", at, ROUTES + at + ".");
        String target = in.path("target").asText("");
        if (!target.isEmpty() && !target.contains("://")) {
            target = "http://" + target;
        }
        boolean secure = in.path("secure").asBoolean(true);
        if (!in.has("secure")) {
            warnings.add(ROUTES + described + ": secure is not set; ProxyAuth then lets anyone through, Portcullis "
                    + "requires a token (of any user, unless username lists some). Write secure: false to keep the "
                    + "route public");
        }
        route.put("secure", secure);
        JsonNode usernames = in.get("username");
        boolean unrestricted = !in.has("secure") && !(usernames instanceof ArrayNode given && !given.isEmpty());
        if (secure && !unrestricted && (!(usernames instanceof ArrayNode list) || list.isEmpty())) {
            problems.add(ROUTES + at + ".username: is empty, and ProxyAuth admits nobody to a secure route without "
                    + "users; list the users who may use it");
        } else if (secure && !unrestricted) {
            route.set("users", usernames);
            origins.put(at + ".users", ROUTES + at + ".username");
        } else if (usernames instanceof ArrayNode list && !list.isEmpty()) {
            warnings.add(ROUTES + at + ".username: has no effect on a public route (secure: false)");
        }
        JsonNode backends = in.get("backends");
        if (backends instanceof ArrayNode list && !list.isEmpty()) {
            backends(list, target, route, at);
        } else {
            route.put("target", target);
            origins.put(at + ".target", ROUTES + at + ".target");
        }
        proxy(in, route, at);
        cert(in.get("cert"), route, at);
        copy(in, "cache", route, "cache", at, ROUTES + at + ".");
        copy(in, "secure_path", route, "secure-path", at, ROUTES + at + ".");
        copy(in, "preserve_prefix", route, "preserve-prefix", at, ROUTES + at + ".");
        JsonNode methods = in.get("allow_methods");
        if (methods instanceof ArrayNode list && !list.isEmpty()
                && java.util.stream.StreamSupport.stream(list.spliterator(), false).noneMatch(m -> m.asText().equals("*"))) {
            route.set("methods", list);
            origins.put(at + ".methods", ROUTES + at + ".allow_methods");
        }
        filters(in.get("filters"), route, at);
    }

    /** ProxyAuth takes each backend's scheme and authority, and the path from {@code target}. */
    private void backends(ArrayNode list, String target, ObjectNode route, String at) {
        String path = "";
        try {
            java.net.URI uri = new java.net.URI(target);
            path = uri.getRawPath() == null ? "" : uri.getRawPath();
        } catch (java.net.URISyntaxException e) {
            problems.add(ROUTES + at + ".target: is not a URL");
        }
        ArrayNode out = route.putArray("backends");
        for (int j = 0; j < list.size(); j++) {
            JsonNode backend = list.get(j);
            String name = at + ".backends." + j;
            origins.put(name, ROUTES + name);
            String url = backend.isTextual() ? backend.textValue() : backend.path("url").asText("");
            int weight = backend.isObject() && backend.has("weight") ? backend.get("weight").asInt(1) : 1;
            if (backend.isObject()) {
                backend.fieldNames().forEachRemaining(key -> {
                    if (!key.equals("url") && !key.equals("weight")) {
                        problems.add(ROUTES + name + "." + key + ": unknown key (url, weight)");
                    }
                });
            }
            try {
                java.net.URI uri = new java.net.URI(url.contains("://") ? url : "http://" + url);
                ObjectNode entry = out.addObject().put("url", uri.getScheme() + "://" + uri.getRawAuthority() + path);
                if (weight == -1) {
                    entry.put("standby", true);
                } else {
                    entry.put("weight", weight);
                }
            } catch (java.net.URISyntaxException | RuntimeException e) {
                problems.add(ROUTES + name + ": is not a URL");
            }
            if (weight == 0 || weight < -1) {
                problems.add(ROUTES + name + ".weight: must be -1 (standby) or at least 1");
            }
        }
    }

    private void proxy(ObjectNode in, ObjectNode route, String at) {
        boolean on = in.path("proxy").asBoolean(false);
        String url = in.path("proxy_config").asText("");
        if (on) {
            route.putObject("proxy").put("url", url);
            origins.put(at + ".proxy", ROUTES + at + ".proxy_config");
            origins.put(at + ".proxy.url", ROUTES + at + ".proxy_config");
        } else if (!url.isEmpty()) {
            warnings.add(ROUTES + at + ".proxy_config: has no effect while proxy is false");
        }
    }

    /** {@code cert: {file, key}} (PEM chain and key) or {@code {file, password}} (PKCS#12). */
    private void cert(JsonNode cert, ObjectNode route, String at) {
        if (cert == null || cert.isNull() || cert.isObject() && cert.isEmpty()) {
            return;
        }
        String name = at + ".cert";
        if (!cert.isObject()) {
            problems.add(ROUTES + name + ": must be a map with file and key (or file and password)");
            return;
        }
        cert.fieldNames().forEachRemaining(key -> {
            if (!Set.of("file", "key", "password").contains(key)) {
                problems.add(ROUTES + name + "." + key + ": unknown key (file, key, password)");
            }
        });
        ObjectNode tls = route.putObject("tls");
        String file = cert.path("file").asText("");
        boolean pkcs12 = cert.has("password") || file.toLowerCase(Locale.ROOT).matches(".*\\.(p12|pfx)");
        if (file.isEmpty()) {
            problems.add(ROUTES + name + ".file: is required");
            return;
        }
        String resolved = routesDir.resolve(file).toString();
        if (pkcs12) {
            tls.put("client-keystore", resolved).put("client-keystore-password", cert.path("password").asText(""));
            origins.put(at + ".tls.client-keystore", ROUTES + name + ".file");
            origins.put(at + ".tls.client-keystore-password", ROUTES + name + ".password");
        } else {
            tls.put("client-cert", resolved);
            if (cert.hasNonNull("key")) {
                tls.put("client-key", routesDir.resolve(cert.get("key").asText()).toString());
            }
            origins.put(at + ".tls.client-cert", ROUTES + name + ".file");
            origins.put(at + ".tls.client-key", ROUTES + name + ".key");
        }
        origins.put(at + ".tls", ROUTES + name);
    }

    private void filters(JsonNode filters, ObjectNode route, String at) {
        if (filters == null || filters.isNull()) {
            return;
        }
        String name = at + ".filters";
        if (!filters.isObject()) {
            problems.add(ROUTES + name + ": must be a map with default_allow and allow");
            return;
        }
        ObjectNode out = route.putObject("filters");
        origins.put(name, ROUTES + name);
        filters.fieldNames().forEachRemaining(key -> {
            if (!key.equals("default_allow") && !key.equals("allow")) {
                problems.add(ROUTES + name + "." + key + ": unknown key (default_allow, allow)");
            }
        });
        copy((ObjectNode) filters, "default_allow", out, "default-allow", name, ROUTES + name + ".");
        if (!(filters.get("allow") instanceof ArrayNode rules)) {
            return;
        }
        ArrayNode allow = out.putArray("allow");
        for (int j = 0; j < rules.size(); j++) {
            JsonNode rule = rules.get(j);
            ObjectNode copy = allow.addObject();
            String ruleName = name + ".allow." + j;
            if (!rule.isObject()) {
                problems.add(ROUTES + ruleName + ": must be a map");
                continue;
            }
            rule.fieldNames().forEachRemaining(key -> {
                switch (key) {
                    case "field", "pattern" -> copy.set(key, rule.get(key));
                    case "name", "key" -> {
                        if (copy.has("name")) {
                            problems.add(ROUTES + ruleName + ": give name or key, not both");
                        }
                        copy.set("name", rule.get(key));
                        origins.put(ruleName + ".name", ROUTES + ruleName + "." + key);
                    }
                    default -> problems.add(ROUTES + ruleName + "." + key + ": unknown key (field, pattern, name)");
                }
            });
        }
    }

    /** Copies {@code from.key} to {@code to.name} and records where it came from. */
    private void copy(ObjectNode from, String key, ObjectNode to, String name, String parentPath, String origin) {
        JsonNode value = from.get(key);
        if (value == null || value.isNull()) {
            return;
        }
        to.set(name, value);
        origins.put(parentPath + "." + name, origin + key);
    }

    private static void copyRaw(ObjectNode from, String key, ObjectNode to, String name) {
        if (from.hasNonNull(key)) {
            to.set(name, from.get(key));
        }
    }

    private static String text(JsonNode node, String fallback) {
        return node == null || node.isNull() ? fallback : node.asText();
    }

    /** A Portcullis problem renamed after the ProxyAuth key it came from (the longest recorded prefix). */
    private String named(String problem) {
        int colon = problem.indexOf(": ");
        if (colon < 0) {
            return problem;
        }
        String key = problem.substring(0, colon);
        String best = null;
        for (String candidate : origins.keySet()) {
            if ((key.equals(candidate) || key.startsWith(candidate + "."))
                    && (best == null || candidate.length() > best.length())) {
                best = candidate;
            }
        }
        if (best == null) {
            return (key.startsWith("routes") ? ROUTES : CONFIG) + problem;
        }
        return origins.get(best) + key.substring(best.length()) + problem.substring(colon);
    }
}
