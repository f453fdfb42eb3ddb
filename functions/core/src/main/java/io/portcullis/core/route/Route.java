package io.portcullis.core.route;

import io.portcullis.core.token.Identity;
import io.portcullis.core.token.TokenType;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One entry of the route table: requests under {@code prefix} go to {@code target}.
 *
 * @param prefix canonical path prefix, matched on a segment boundary ({@code /api} matches {@code /api/x}, not
 *     {@code /apix})
 * @param target the backend's base URI (http or https, no query)
 * @param secure whether a valid token is required (the default)
 * @param users who may use the route; empty means any authenticated user
 * @param roles roles of which the user needs at least one; empty means any
 * @param methods allowed methods; empty means all ({@code GET} also allows {@code HEAD})
 * @param preservePrefix whether the upstream path keeps the prefix
 * @param tokenType which tokens the route accepts: Portcullis's own, JWTs, or either
 * @param sessionClaim present when the route injects backend credentials: the JWT claim naming the session whose
 *     credentials go upstream as {@code Authorization: Basic} (hyper-auth-proxy's job)
 * @param upstream the backends (the first is {@code target}), proxy and TLS settings
 * @param filters the regex ACL requests must pass
 * @param securePath whether every request goes to the target's own path, whatever path it came in on
 * @param noStore whether answers get {@code Cache-Control: no-store} (and {@code Pragma}, {@code Expires}) in
 *     place of the backend's caching headers
 * @param csrf whether requests a cookie authenticates must prove they come from this site's pages: the CSRF token
 *     for state-changing requests by the browser session cookie (when the {@code browser} section turns CSRF on), an
 *     allowed {@code Origin} for state-changing requests by the JWT cookie and for WebSocket handshakes by either;
 *     requests with a bearer token never do
 * @param overrideHeaders whether {@code X-HTTP-Method-Override}, {@code X-Original-URL} and the other method and
 *     URL override headers reach the backend (they are removed otherwise)
 * @param caseInsensitive whether the prefix matches in any case ({@code /Admin} under {@code /admin}), for
 *     backends that ignore the case of paths (IIS, ASP.NET)
 * @param loginRedirect whether a browser that is not signed in is sent to the sign-in page (with the {@code browser}
 *     section) rather than answered 401
 * @param identityAssertion whether the backend gets a signed identity assertion (the {@code identity-assertions}
 *     section) besides the identity headers
 */
public record Route(
        String prefix,
        URI target,
        boolean secure,
        Set<String> users,
        Set<String> roles,
        Set<String> methods,
        boolean preservePrefix,
        TokenType tokenType,
        Optional<String> sessionClaim,
        Upstream upstream,
        Filters filters,
        boolean securePath,
        boolean noStore,
        boolean csrf,
        boolean overrideHeaders,
        boolean caseInsensitive,
        boolean loginRedirect,
        boolean identityAssertion) {

    public Route {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(sessionClaim, "sessionClaim");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(filters, "filters");
        users = Set.copyOf(users);
        roles = Set.copyOf(roles);
        methods = Set.copyOf(methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList());
        if (sessionClaim.isPresent() && tokenType != TokenType.JWT) {
            throw new IllegalArgumentException("a route injecting session credentials accepts JWTs only");
        }
    }

    /** A route to one backend, without filters, proxy or cache settings. */
    public Route(String prefix, URI target, boolean secure, Set<String> users, Set<String> roles, Set<String> methods,
            boolean preservePrefix, TokenType tokenType, Optional<String> sessionClaim) {
        this(prefix, target, secure, users, roles, methods, preservePrefix, tokenType, sessionClaim,
                Upstream.direct(target), Filters.NONE, false, false, true, false, false, true, false);
    }

    /** A route for Portcullis tokens that injects no credentials. */
    public Route(String prefix, URI target, boolean secure, Set<String> users, Set<String> roles, Set<String> methods,
            boolean preservePrefix) {
        this(prefix, target, secure, users, roles, methods, preservePrefix, TokenType.PORTCULLIS, Optional.empty());
    }

    /** Whether requests get the session's backend credentials as {@code Authorization: Basic}. */
    public boolean injectsCredentials() {
        return sessionClaim.isPresent();
    }

    /** A secure route open to every authenticated user and method. */
    public static Route to(String prefix, URI target) {
        return new Route(prefix, target, true, Set.of(), Set.of(), Set.of(), false);
    }

    /**
     * Whether {@code canonicalPath} falls under this route's prefix: on a segment boundary, and in the same case
     * unless the route is case-insensitive (canonical paths are ASCII, so the lengths match either way).
     */
    public boolean matches(String canonicalPath) {
        return prefix.equals("/")
                || canonicalPath.regionMatches(caseInsensitive, 0, prefix, 0, prefix.length())
                        && (canonicalPath.length() == prefix.length() || canonicalPath.charAt(prefix.length()) == '/');
    }

    public boolean allowsMethod(String method) {
        return methods.isEmpty() || methods.contains(method) || method.equals("HEAD") && methods.contains("GET");
    }

    /** The {@code Allow} header value for a 405. */
    public String allowHeader() {
        Set<String> allowed = new TreeSet<>(methods);
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        return String.join(", ", allowed);
    }

    /** Whether {@code identity} may use this route. */
    public boolean permits(Identity identity) {
        return (users.isEmpty() || users.contains(identity.subject()))
                && (roles.isEmpty() || identity.roles().stream().anyMatch(roles::contains));
    }

    /**
     * The upstream URI for a request to {@code canonicalPath} with {@code rawQuery} (empty for none), as text:
     * the path and query stay exactly as encoded, never decoded and re-encoded.
     */
    public String upstreamUri(String canonicalPath, String rawQuery) {
        return upstreamUri(target, canonicalPath, rawQuery);
    }

    /** {@link #upstreamUri(String, String)} on one of the route's backends. */
    public String upstreamUri(URI base, String canonicalPath, String rawQuery) {
        return base.getScheme() + "://" + base.getRawAuthority() + requestTarget(base, canonicalPath, rawQuery);
    }

    /**
     * The request target for one of the route's backends: the backend's base path, the canonical path (minus the
     * prefix unless preserved), then {@code ?} and the raw query untouched. Never parsed or resolved again: these
     * are the bytes the backend receives.
     */
    public String requestTarget(URI base, String canonicalPath, String rawQuery) {
        String rest = securePath ? ""
                : preservePrefix || prefix.equals("/") ? canonicalPath : canonicalPath.substring(prefix.length());
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        String path = basePath + rest;
        if (path.isEmpty()) {
            path = "/";
        }
        return rawQuery.isEmpty() ? path : path + '?' + rawQuery;
    }
}
