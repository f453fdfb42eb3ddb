package io.portcullis.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * ProxyAuth's {@code routes.yml} translated into Portcullis routes: {@code username} becomes {@code users},
 * {@code allow_methods} {@code methods}, {@code proxy}/{@code proxy_config} a {@code proxy}, {@code cert} a
 * {@code tls} client certificate, backends keep ProxyAuth's rule (each backend's scheme and authority, the
 * target's path; weight -1 is a standby), and a route without {@code secure} is secure, with a warning.
 */
final class ProxyAuthRoutes {
    static final String ROUTES = "routes.yml: ";
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> ROUTE_KEYS = Set.of("prefix", "target", "username", "secure", "proxy",
            "proxy_config", "cert", "backends", "need_csrf", "cache", "secure_path", "preserve_prefix",
            "allow_methods", "filters");

    private final ProxyAuthTranslation translation;
    private final ObjectNode tree;
    private final Map<String, String> origins;
    private final List<String> problems;
    private final List<String> warnings;
    private final Path routesDir;

    ProxyAuthRoutes(ProxyAuthTranslation translation, Path routesDir) {
        this.translation = translation;
        this.tree = translation.tree;
        this.origins = translation.origins;
        this.problems = translation.problems;
        this.warnings = translation.warnings;
        this.routesDir = routesDir;
    }

    /** The {@code routes} list of the file; other top-level keys are problems. */
    static JsonNode read(Path file, ProxyAuthTranslation translation) {
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
                    translation.problems.add(ROUTES + key + ": unknown key (ProxyAuth's routes.yml has only routes)");
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
            // Only the position: the parser's message quotes the file, which may hold proxy credentials.
            var at = e instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked ? marked.getProblemMark() : null;
            throw new ConfigException(ROUTES + "is not valid YAML" + (at == null ? "" : " (line " + (at.getLine() + 1)
                    + ", column " + (at.getColumn() + 1) + ")"));
        }
    }

    void translate(JsonNode routes) {
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
        translation.copy(in, "prefix", route, "prefix", at, ROUTES + at + ".");
        String target = in.path("target").asText("");
        if (!target.isEmpty() && !target.contains("://")) {
            target = "http://" + target;
        }
        String origin = ROUTES + at + ".";
        boolean secure = translation.bool(in, "secure", origin).orElse(true);
        if (!in.hasNonNull("secure")) {
            warnings.add(ROUTES + described + ": secure is not set; ProxyAuth then lets anyone through, Portcullis "
                    + "requires a token (of any user, unless username lists some). Write secure: false to keep the "
                    + "route public");
        }
        route.put("secure", secure);
        JsonNode usernames = in.get("username");
        boolean unrestricted = !in.hasNonNull("secure") && !(usernames instanceof ArrayNode given && !given.isEmpty());
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
        translation.copyBool(in, "cache", route, "cache", at, origin);
        translation.copyBool(in, "need_csrf", route, "csrf", at, origin);
        translation.copyBool(in, "secure_path", route, "secure-path", at, origin);
        translation.copyBool(in, "preserve_prefix", route, "preserve-prefix", at, origin);
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
        boolean on = translation.bool(in, "proxy", ROUTES + at + ".").orElse(false);
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
        translation.copyBool((ObjectNode) filters, "default_allow", out, "default-allow", name, ROUTES + name + ".");
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
}
