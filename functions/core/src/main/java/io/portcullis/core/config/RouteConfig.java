package io.portcullis.core.config;

import io.portcullis.core.jwt.JwtSettings;
import io.portcullis.core.route.Backend;
import io.portcullis.core.route.Backends;
import io.portcullis.core.route.BadPathException;
import io.portcullis.core.route.Filters;
import io.portcullis.core.route.Upstream;
import io.portcullis.core.route.UpstreamProxy;
import io.portcullis.core.route.UpstreamTls;
import java.nio.file.Path;
import java.time.Clock;
import io.portcullis.core.route.CanonicalPath;
import io.portcullis.core.route.Route;
import io.portcullis.core.token.TokenType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the route table. */
final class RouteConfig {
    private static final Set<String> KEYS = Set.of("prefix", "target", "secure", "users", "roles", "methods",
            "preserve-prefix", "token", "inject-credentials", "session-claim", "backends", "replay-non-idempotent",
            "filters", "secure-path", "cache", "proxy", "tls", "csrf", "override-headers", "case-insensitive",
            "login-redirect", "identity-assertion");
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");
    private static final Pattern CLAIM_NAME = Pattern.compile("[\\x21-\\x7e]{1,64}");
    /** hyper-auth-proxy's claim. */
    static final String DEFAULT_SESSION_CLAIM = "sid";

    private RouteConfig() {
    }

    /**
     * @param jwt the {@code jwt} section (its default token type; whether JWTs can be verified at all)
     * @param canInject whether a {@code sessions} section with a credential format exists
     */
    static List<Route> routes(ConfigNode list, ConfigReader reader, JwtSettings jwt, boolean canInject, Path base) {
        return routes(list, reader, jwt, canInject, base, Optional.empty());
    }

    /** @param assertionsDefault the {@code identity-assertions} section's default, when the section is there */
    static List<Route> routes(ConfigNode list, ConfigReader reader, JwtSettings jwt, boolean canInject, Path base,
            Optional<Boolean> assertionsDefault) {
        List<Route> routes = new ArrayList<>();
        Set<String> prefixes = new HashSet<>();
        Map<String, Boolean> anyCase = new HashMap<>();
        for (ConfigNode node : reader.nodes(list)) {
            reader.onlyKnownKeys(node, KEYS);
            Optional<String> prefix = reader.requiredString(node.get("prefix")).flatMap(p -> prefix(node, p, reader));
            Optional<List<Backend>> backends = backends(node, reader);
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
            boolean caseInsensitive = reader.bool(node.get("case-insensitive"), false);
            if (prefix.isPresent() && !prefixes.add(prefix.get())) {
                reader.problem(node.get("prefix"), "prefix '" + prefix.get() + "' is routed twice");
            } else if (prefix.isPresent()) {
                // Two prefixes equal but for case, one of them matching in any case: which route a path takes
                // would depend on the order of the file.
                Boolean other = anyCase.put(prefix.get().toLowerCase(Locale.ROOT), caseInsensitive);
                if (other != null && (other || caseInsensitive)) {
                    reader.problem(node.get("prefix"), "prefix '" + prefix.get() + "' differs from another only in "
                            + "case, and one of them is case-insensitive");
                }
            }
            TokenType token = reader.parsed(node.get("token"), RouteConfig::tokenType)
                    .orElse(jwt.defaultRouteToken());
            boolean inject = reader.bool(node.get("inject-credentials"), false);
            Optional<String> sessionClaim = reader.string(node.get("session-claim"));
            tokenProblems(node, secure, token, inject, sessionClaim, jwt, canInject, reader);
            Filters filters = FilterConfig.read(node.get("filters"), reader);
            boolean securePath = reader.bool(node.get("secure-path"), false);
            if (securePath && preservePrefix) {
                reader.problem(node.get("secure-path"), "secure-path sends every request to the target's path; "
                        + "preserve-prefix cannot apply too");
            }
            boolean noStore = !reader.bool(node.get("cache"), true);
            boolean csrf = reader.bool(node.get("csrf"), true);
            boolean overrideHeaders = reader.bool(node.get("override-headers"), false);
            boolean loginRedirect = reader.bool(node.get("login-redirect"), true);
            if (!secure && node.get("login-redirect").exists()) {
                reader.problem(node.get("login-redirect"), "a route open to anyone (secure: false) never asks anyone "
                        + "to sign in");
            }
            Optional<UpstreamProxy> proxy = UpstreamConfig.proxy(node.get("proxy"), reader);
            Optional<UpstreamTls> tls = UpstreamConfig.tls(node.get("tls"), base, reader);
            boolean replay = reader.bool(node.get("replay-non-idempotent"), false);
            boolean assertion = reader.bool(node.get("identity-assertion"), assertionsDefault.orElse(false) && secure);
            if (assertion && assertionsDefault.isEmpty()) {
                reader.problem(node.get("identity-assertion"), "needs the identity-assertions section (its header "
                        + "and keys)");
            } else if (assertion && !secure) {
                reader.problem(node.get("identity-assertion"), "a route open to anyone (secure: false) has no "
                        + "identity to assert");
            }
            if (prefix.isPresent() && backends.isPresent()) {
                Upstream upstream = new Upstream(new Backends(backends.get(), Clock.systemUTC()), proxy, tls, replay);
                routes.add(new Route(prefix.get(), backends.get().get(0).base(), secure, users, roles, methods,
                        preservePrefix, inject ? TokenType.JWT : token,
                        inject ? Optional.of(sessionClaim.orElse(DEFAULT_SESSION_CLAIM)) : Optional.empty(),
                        upstream, filters, securePath, noStore, csrf, overrideHeaders, caseInsensitive,
                        loginRedirect, assertion));
            }
        }
        return routes;
    }

    private static void tokenProblems(ConfigNode node, boolean secure, TokenType token, boolean inject,
            Optional<String> sessionClaim, JwtSettings jwt, boolean canInject, ConfigReader reader) {
        if (!secure && (node.get("token").exists() || inject)) {
            reader.problem(node.get(inject ? "inject-credentials" : "token"),
                    "a route open to anyone (secure: false) takes no token");
            return;
        }
        if (token.acceptsJwt() && !jwt.enabled() && secure) {
            reader.problem(node.get("token"), "JWTs need the jwt section (keys or jwks-url)");
        }
        if (inject && token != TokenType.JWT) {
            reader.problem(node.get("inject-credentials"), "needs token: jwt (the session is named by a JWT claim)");
        }
        if (inject && !canInject) {
            reader.problem(node.get("inject-credentials"), "needs the sessions section (store and credential format)");
        }
        if (sessionClaim.isPresent() && !inject) {
            reader.problem(node.get("session-claim"), "only applies with inject-credentials: true");
        } else if (sessionClaim.isPresent() && !CLAIM_NAME.matcher(sessionClaim.get()).matches()) {
            reader.problem(node.get("session-claim"), "is not a claim name (1 to 64 visible ASCII characters)");
        }
    }

    static TokenType tokenType(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "portcullis" -> TokenType.PORTCULLIS;
            case "jwt" -> TokenType.JWT;
            case "any" -> TokenType.ANY;
            default -> throw new IllegalArgumentException("must be portcullis, jwt or any");
        };
    }

    private static Set<String> nonEmpty(ConfigNode node, ConfigReader reader) {
        List<String> values = reader.strings(node);
        if (node.exists() && values.isEmpty()) {
            reader.problem(node, "an empty list admits nobody; leave the key out to admit everyone");
        }
        return Set.copyOf(values);
    }

    private static Optional<String> prefix(ConfigNode node, String prefix, ConfigReader reader) {
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

    /**
     * {@code target}, or {@code backends}: a list of URLs or {@code {url, weight, standby}}. At least one backend
     * must be active; without {@code weight} a backend counts once.
     */
    private static Optional<List<Backend>> backends(ConfigNode node, ConfigReader reader) {
        ConfigNode list = node.get("backends");
        if (!list.exists()) {
            return reader.requiredString(node.get("target")).flatMap(t -> url(node.get("target"), t, reader))
                    .map(uri -> List.of(Backend.of(uri)));
        }
        if (node.get("target").exists()) {
            reader.problem(node.get("backends"), "set target or backends, not both");
        }
        List<Backend> backends = new ArrayList<>();
        List<ConfigNode> entries = reader.nodes(list);
        for (ConfigNode entry : entries) {
            if (entry.isLeaf()) {
                reader.string(entry).flatMap(text -> url(entry, text, reader)).map(Backend::of).ifPresent(backends::add);
                continue;
            }
            reader.onlyKnownKeys(entry, Set.of("url", "weight", "standby"));
            Optional<URI> url = reader.requiredString(entry.get("url")).flatMap(t -> url(entry.get("url"), t, reader));
            int weight = reader.integer(entry.get("weight"), 1, 1, 1000);
            boolean standby = reader.bool(entry.get("standby"), false);
            url.ifPresent(uri -> backends.add(new Backend(uri, weight, standby)));
        }
        if (entries.isEmpty()) {
            reader.problem(list, "list at least one backend");
        } else if (backends.size() == entries.size() && backends.stream().allMatch(Backend::standby)) {
            reader.problem(list, "every backend is a standby: at least one must be active");
        }
        return backends.size() == entries.size() && !entries.isEmpty()
                && !backends.stream().allMatch(Backend::standby) ? Optional.of(backends) : Optional.empty();
    }

    static Optional<URI> url(ConfigNode node, String text, ConfigReader reader) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                reader.problem(node, "must be an http:// or https:// URL");
            } else if (uri.getHost() == null) {
                reader.problem(node, "must name a host");
            } else if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                reader.problem(node, "must not have a query, fragment or user info");
            } else {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            reader.problem(node, "is not a URL");
        }
        return Optional.empty();
    }
}
