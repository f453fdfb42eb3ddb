package io.portcullis.core.config;

import io.helidon.config.Config;
import io.portcullis.core.route.BadPathException;
import io.portcullis.core.route.CanonicalPath;
import io.portcullis.core.route.Route;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the route table. */
final class RouteConfig {
    private static final Set<String> KEYS = Set.of("prefix", "target", "secure", "users", "roles", "methods",
            "preserve-prefix");
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");

    private RouteConfig() {
    }

    static List<Route> routes(Config list, ConfigReader reader) {
        List<Route> routes = new ArrayList<>();
        Set<String> prefixes = new HashSet<>();
        for (Config node : reader.nodes(list)) {
            reader.onlyKnownKeys(node, KEYS);
            Optional<String> prefix = reader.requiredString(node.get("prefix")).flatMap(p -> prefix(node, p, reader));
            Optional<URI> target = reader.requiredString(node.get("target")).flatMap(t -> target(node, t, reader));
            boolean secure = reader.bool(node.get("secure"), true);
            Set<String> users = nonEmpty(node.get("users"), reader);
            Set<String> roles = nonEmpty(node.get("roles"), reader);
            Set<String> methods = new HashSet<>();
            for (String method : nonEmpty(node.get("methods"), reader)) {
                String upper = method.toUpperCase(Locale.ROOT);
                if (METHOD.matcher(upper).matches()) {
                    methods.add(upper);
                } else {
                    reader.problem(node.get("methods"), "'" + method + "' is not an HTTP method");
                }
            }
            if (!secure && (!users.isEmpty() || !roles.isEmpty())) {
                reader.problem(node.get("secure"), "a route open to anyone (secure: false) cannot restrict users or roles");
            }
            boolean preservePrefix = reader.bool(node.get("preserve-prefix"), false);
            if (prefix.isPresent() && !prefixes.add(prefix.get())) {
                reader.problem(node.get("prefix"), "prefix '" + prefix.get() + "' is routed twice");
            }
            if (prefix.isPresent() && target.isPresent()) {
                routes.add(new Route(prefix.get(), target.get(), secure, users, roles, methods, preservePrefix));
            }
        }
        return routes;
    }

    private static Set<String> nonEmpty(Config node, ConfigReader reader) {
        List<String> values = reader.strings(node);
        if (node.exists() && values.isEmpty()) {
            reader.problem(node, "an empty list admits nobody; leave the key out to admit everyone");
        }
        return Set.copyOf(values);
    }

    private static Optional<String> prefix(Config node, String prefix, ConfigReader reader) {
        String trimmed = prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        try {
            String canonical = CanonicalPath.of(trimmed);
            if (!canonical.equals(trimmed)) {
                reader.problem(node.get("prefix"), "write the prefix in canonical form: " + canonical);
                return Optional.empty();
            }
            return Optional.of(canonical);
        } catch (BadPathException e) {
            reader.problem(node.get("prefix"), e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<URI> target(Config node, String text, ConfigReader reader) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                reader.problem(node.get("target"), "must be an http:// or https:// URL");
            } else if (uri.getHost() == null) {
                reader.problem(node.get("target"), "must name a host");
            } else if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                reader.problem(node.get("target"), "must not have a query, fragment or user info");
            } else {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            reader.problem(node.get("target"), "is not a URL");
        }
        return Optional.empty();
    }
}
