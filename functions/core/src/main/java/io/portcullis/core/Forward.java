package io.portcullis.core;

import io.portcullis.core.assertion.IdentityAssertions;
import io.portcullis.core.config.GatewayConfig.IdentityHeaders;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.net.ClientChain;
import io.portcullis.core.net.ClientKey;
import io.portcullis.core.net.Cookies;
import io.portcullis.core.net.ForwardingHeaders;
import io.portcullis.core.net.HopByHop;
import io.portcullis.core.net.TrustedProxies;
import io.portcullis.core.port.RateLimiter;
import io.portcullis.core.route.Backend;
import io.portcullis.core.route.BadPathException;
import io.portcullis.core.route.Filters;
import io.portcullis.core.route.CanonicalPath;
import io.portcullis.core.route.Route;
import io.portcullis.core.route.RouteTable;
import io.portcullis.core.token.Identity;
import io.portcullis.core.token.TokenType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Every request that is not the gateway's own: canonical path → route (404) → method (405) → token on secure
 * routes (401; for a browser whose session lapsed, 307 back with a renewed session from its refresh cookie, or 302
 * to the sign-in page; 403) → rate limit (429) → the CSRF token, for state-changing requests the browser session
 * cookie authenticated (403) → the route's filters (403; a body they read is bounded, 413) → on routes
 * that inject credentials, the session's backend credentials (401/503) → a {@link ForwardingPlan}. The limit is
 * per user over all routes; open routes are limited per client address. The session store is read after the rate
 * limit, so a flood cannot be passed on to it. Every answer, refusal or forwarded, carries the CORS grant for an
 * allowed origin.
 */
public final class Forward {
    /**
     * Client headers never forwarded, besides hop-by-hop ones and the forwarding family
     * ({@link ForwardingPlan#forwardsRequestHeader}): the gateway sets them itself, or, for {@code Expect}, has
     * already answered the client's {@code 100-continue}.
     */
    private static final Set<String> GATEWAY_SET = Set.of("authorization", "host", "via", "expect");

    /** Methods a backend may be sent twice (RFC 9110 §9.2.2): failover only replays these, unless a route opts in. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");
    private static final List<Header> NO_STORE = List.of(
            new Header("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0"),
            new Header("Pragma", "no-cache"),
            new Header("Expires", "0"));

    private final RouteTable routes;
    private final CheckToken checkToken;
    private final RateLimiter limiter;
    private final RateLimit limit;
    private final TrustedProxies proxies;
    private final IdentityHeaders identityHeaders;
    private final TokenType defaultTokenType;
    private final Set<String> tokenCookies;
    private final CsrfGuard csrf;
    private final InjectCredentials injectCredentials;
    private final Set<String> dropped;
    private final Cors cors;
    private final TokenStats stats;
    private final Optional<BrowserSessions> browser;
    private final Optional<IdentityAssertions> assertions;
    private final boolean proxyAuthRateLimitBody;
    private final Optional<SignInRedirect> signIn;
    private final Clock clock;

    /**
     * @param defaultTokenType what {@link #checkAccess} accepts on paths without a route
     * @param tokenCookies the cookies tokens come in (the JWT cookie, the browser session cookie): never forwarded
     *     upstream (the backend must not get the caller's token), whatever the route
     * @param browser browser sessions, which renew themselves from the refresh cookie when refresh tokens are on
     * @param assertions signed identity assertions, for the routes that send them (a client's header of their
     *     name is never forwarded)
     * @param signIn sends browsers to the sign-in page instead of answering 401, when the {@code browser} section is on
     */
    Forward(RouteTable routes, CheckToken checkToken, RateLimiter limiter, RateLimit limit, TrustedProxies proxies,
            IdentityHeaders identityHeaders, TokenType defaultTokenType, Set<String> tokenCookies, CsrfGuard csrf,
            InjectCredentials injectCredentials, Cors cors, TokenStats stats, Optional<BrowserSessions> browser,
            Optional<IdentityAssertions> assertions, boolean proxyAuthRateLimitBody, Optional<SignInRedirect> signIn,
            Clock clock) {
        this.routes = routes;
        this.checkToken = checkToken;
        this.limiter = limiter;
        this.limit = limit;
        this.proxies = proxies;
        this.identityHeaders = identityHeaders;
        this.defaultTokenType = defaultTokenType;
        this.tokenCookies = Set.copyOf(tokenCookies);
        this.csrf = csrf;
        this.injectCredentials = injectCredentials;
        this.cors = cors;
        this.stats = stats;
        this.browser = browser;
        this.assertions = assertions;
        this.proxyAuthRateLimitBody = proxyAuthRateLimitBody;
        this.signIn = signIn;
        this.clock = clock;
        Set<String> dropped = new HashSet<>(HopByHop.HEADERS);
        dropped.addAll(GATEWAY_SET);
        identityHeaders.all().forEach(name -> dropped.add(ForwardingHeaders.normalized(name)));
        assertions.ifPresent(a -> dropped.add(ForwardingHeaders.normalized(a.headerName())));
        this.dropped = Set.copyOf(dropped);
    }

    public ForwardDecision forward(GatewayRequest request) {
        return forward(request, Optional.empty());
    }

    /**
     * The route a request's path belongs to, for shells that label metrics and logs by route (a refusal does not
     * say which route refused); empty when no route matches or the path is malformed.
     */
    public Optional<Route> routeFor(String rawPath) {
        try {
            return routes.match(CanonicalPath.of(rawPath));
        } catch (BadPathException e) {
            return Optional.empty();
        }
    }

    /**
     * Forwards a request whose token an API Gateway authorizer has already checked: the identity it established
     * is used as is (its token is not opened again); the route's users and roles and the rate limit still apply.
     * Without one, secure routes check the request's own token. Routes that inject credentials always check the
     * JWT here: the session it names is taken from the verified token, never from an authorizer's context. So do
     * requests authenticated by the browser session cookie: it comes with CSRF checks only this side can make.
     */
    public ForwardDecision forward(GatewayRequest request, Optional<Identity> authorizedIdentity) {
        ForwardDecision decision = decide(request, authorizedIdentity);
        if (decision instanceof Rejection rejection) {
            List<Header> grant = cors.responseHeaders(request.headers());
            return grant.isEmpty() ? rejection : rejection.withHeaders(grant);
        }
        return decision;
    }

    private ForwardDecision decide(GatewayRequest request, Optional<Identity> authorizedIdentity) {
        String path;
        try {
            path = CanonicalPath.of(request.rawPath());
        } catch (BadPathException e) {
            return Rejection.badRequest("invalid_path", e.getMessage());
        }
        Optional<Route> match = routes.match(path);
        if (match.isEmpty()) {
            return Rejection.notFound();
        }
        Route route = match.get();
        List<String> methods = methods(request, route);
        for (String method : methods) {
            if (!route.allowsMethod(method)) {
                return Rejection.methodNotAllowed(route.allowHeader());
            }
        }
        Optional<Identity> identity = Optional.empty();
        Optional<Authenticated> caller = Optional.empty();
        // A cookie is checked here even after an authorizer, with its CSRF token or Origin (an authorizer never sees
        // a form body).
        boolean authorizerDecided = authorizedIdentity.isPresent() && !route.injectsCredentials()
                && !checkToken.cookieDecides(request.headers());
        if (route.secure() && authorizerDecided) {
            if (!route.permits(authorizedIdentity.get())) {
                return Rejection.forbidden("this route does not admit you", "route_forbids_user");
            }
            identity = authorizedIdentity;
        } else if (route.secure()) {
            AuthResult auth = checkToken.authorize(request.headers(), route);
            if (auth instanceof Rejection rejection) {
                return unauthenticated(request, route, path, rejection);
            }
            caller = Optional.of((Authenticated) auth);
            identity = Optional.of(caller.get().claims().identity());
            stats.record(caller.get().claims());
        }
        ClientChain from = proxies.chain(request.peer(), request.headers(), request.secure());
        String key = identity.map(c -> "proxy:user:" + c.subject())
                .orElseGet(() -> "proxy:ip:" + ClientKey.of(from.client()));
        RateDecision decision = limiter.acquire(key, limit);
        if (!decision.allowed()) {
            return proxyAuthRateLimitBody ? Rejection.rateLimitedProxyAuthStyle(decision)
                    : Rejection.rateLimited(decision);
        }
        boolean changesState = route.csrf() && caller.isPresent() && changesState(methods);
        boolean csrfApplies = route.csrf() && caller.isPresent() && csrf.applies(request, caller.get(), changesState);
        boolean readBody = route.filters().needsBody() || csrfApplies && csrf.needsFormBody(request, caller.get());
        Optional<byte[]> body;
        try {
            body = readBody ? Optional.of(Json.readBounded(request.body().get(), Filters.MAX_BODY_BYTES))
                    : Optional.empty();
        } catch (BadRequestException e) {
            return e.rejection();
        }
        if (csrfApplies) {
            Optional<Rejection> forged = csrf.refusal(request, caller.get(), changesState, body);
            if (forged.isPresent()) {
                return forged.get();
            }
        }
        if (route.filters().active()) {
            try {
                byte[] read = body.orElse(null);
                if (!route.filters().allow(new Filters.Input(request.method(), path, request.rawQuery(),
                        request.headers(), () -> read))) {
                    return Rejection.forbidden("the route's filters refuse this request", "filtered");
                }
            } catch (IllegalArgumentException e) {
                return Rejection.badRequest("invalid_query", "the query string is not valid URL encoding");
            }
        }
        Optional<Header> credentials = Optional.empty();
        if (route.injectsCredentials() && caller.isPresent()) {
            switch (injectCredentials.credentials(caller.get(), route)) {
                case Rejection rejection -> {
                    return rejection;
                }
                case SessionResult.Found found -> credentials = Optional.of(
                        new Header("Authorization", found.credentials().headerValue()));
            }
        }
        Cookies.Without cookies = tokenCookies.isEmpty() ? new Cookies.Without(false, Optional.empty())
                : Cookies.without(request.headers().all("Cookie"), tokenCookies);
        List<ForwardingPlan.Target> targets = new ArrayList<>(1);
        for (Backend backend : route.upstream().backends().order()) {
            targets.add(new ForwardingPlan.Target(backend, route.requestTarget(backend.base(), path,
                    request.rawQuery())));
        }
        boolean failover = targets.size() > 1
                && (IDEMPOTENT.contains(request.method()) || route.upstream().replayNonIdempotent());
        return new ForwardingPlan(route, request.method(), targets, failover, dropped(request, cookies.removed()),
                added(request, route, from, identity, credentials, cookies), identity,
                responseHeaders(request, route, decision), body, caller.map(Authenticated::claims));
    }

    /**
     * A secure route's 401: a browser whose session lapsed renews it from its refresh cookie and repeats the request
     * (307); one that is not signed in (or whose refresh token was refused) is sent to the sign-in page; anything
     * else gets the refusal.
     */
    private Rejection unauthenticated(GatewayRequest request, Route route, String path, Rejection rejection) {
        if (rejection.status() != 401) {
            return rejection;
        }
        Rejection answer = route.tokenType().acceptsPortcullis() ? browser.flatMap(b -> b.renewal(request,
                request.rawQuery().isEmpty() ? path : path + "?" + request.rawQuery())).orElse(rejection) : rejection;
        return signIn.isPresent() ? signIn.get().orRedirect(request, route, path, answer) : answer;
    }

    /** {@code RateLimit-*}, the CORS grant for an allowed origin, and no-store on routes with {@code cache: false}. */
    private List<Header> responseHeaders(GatewayRequest request, Route route, RateDecision decision) {
        List<Header> grant = cors.responseHeaders(request.headers());
        if (grant.isEmpty() && !route.noStore()) {
            return RateLimitHeaders.of(decision);
        }
        List<Header> headers = new ArrayList<>(RateLimitHeaders.of(decision));
        headers.addAll(grant);
        if (route.noStore()) {
            headers.addAll(NO_STORE);
        }
        return headers;
    }

    /**
     * For an exchange that stays open (a WebSocket tunnel, a streamed answer): whether the token that admitted it
     * still holds (not expired, not revoked), asked again while it lasts. Empty when no token was checked here: open
     * routes, and identities an authorizer established.
     */
    public Optional<BooleanSupplier> stillValid(ForwardingPlan plan) {
        return plan.claims().map(claims -> () -> checkToken.stillValid(claims));
    }

    /**
     * The access half of {@link #forward}, for an authorizer in front of it: the caller's token, of the type the
     * route accepts (the configured default on paths without a route), is valid and unrevoked, and the route, if
     * any, admits them. Paths without a route are left for the forwarder to answer 404.
     */
    public AuthResult checkAccess(RequestHeaders headers, String rawPath) {
        Optional<Route> route;
        try {
            route = routes.match(CanonicalPath.of(rawPath));
        } catch (BadPathException e) {
            return Rejection.badRequest("invalid_path", e.getMessage());
        }
        AuthResult auth = checkToken.authenticate(headers, route.filter(Route::secure).map(Route::tokenType)
                .orElse(defaultTokenType));
        if (auth instanceof Rejection) {
            return auth;
        }
        if (route.isPresent() && route.get().secure()
                && !route.get().permits(((Authenticated) auth).claims().identity())) {
            return Rejection.forbidden("this route does not admit you", "route_forbids_user");
        }
        return auth;
    }

    /**
     * The methods a request asks the backend for: its own, and on a route that passes method override headers on,
     * each of theirs (so the route's {@code methods} and the CSRF test of safe methods see what the backend will do).
     */
    /** Whether any of {@code methods} changes state (a loop: this runs for every request). */
    private static boolean changesState(List<String> methods) {
        for (String method : methods) {
            if (CsrfGuard.changesState(method)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> methods(GatewayRequest request, Route route) {
        if (!route.overrideHeaders()) {
            return List.of(request.method());
        }
        List<String> methods = new ArrayList<>(2);
        methods.add(request.method());
        request.headers().forEach((name, value) -> {
            if (ForwardingHeaders.isMethodOverride(ForwardingHeaders.normalized(name))) {
                methods.add(value.strip().toUpperCase(java.util.Locale.ROOT));
            }
        });
        return methods;
    }

    /**
     * The access half of {@link #forward}, for an authorizer in front of a route that API Gateway sends straight to
     * its backend: {@link #checkAccess}, then the route's methods (405), and the CSRF token when the browser session
     * cookie authenticates a state-changing request, from its header only (an authorizer never sees a body). A path
     * without a route is refused (404): nothing behind the authorizer would answer it.
     */
    public AuthResult checkDirectAccess(GatewayRequest request) {
        Optional<Route> route = routeFor(request.rawPath());
        if (route.isEmpty()) {
            return Rejection.notFound();
        }
        List<String> methods = methods(request, route.get());
        if (!methods.stream().allMatch(route.get()::allowsMethod)) {
            return Rejection.methodNotAllowed(route.get().allowHeader());
        }
        AuthResult auth = checkAccess(request.headers(), request.rawPath());
        boolean changesState = methods.stream().anyMatch(CsrfGuard::changesState);
        if (auth instanceof Authenticated caller && route.get().secure() && route.get().csrf()
                && csrf.applies(request, caller, changesState)) {
            Optional<Rejection> forged = csrf.refusal(request, caller, changesState, Optional.empty());
            if (forged.isPresent()) {
                return forged.get();
            }
        }
        return auth;
    }

    /**
     * The {@code Cookie} header a backend may receive: the client's, without the cookies tokens come in; empty
     * when nothing is left.
     */
    public Optional<String> cookiesForBackend(RequestHeaders headers) {
        List<String> cookies = headers.all("Cookie");
        Cookies.Without without = Cookies.without(cookies, tokenCookies);
        return without.removed() ? without.remaining()
                : cookies.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", cookies));
    }

    /** Hop-by-hop, identity and gateway-set headers, those named in {@code Connection}, a rewritten Cookie. */
    private Set<String> dropped(GatewayRequest request, boolean cookieRewritten) {
        Set<String> listed = HopByHop.connectionListed(request.headers().all("Connection"));
        if (listed.isEmpty() && !cookieRewritten) {
            return dropped;
        }
        Set<String> more = new HashSet<>(dropped);
        listed.forEach(name -> more.add(ForwardingHeaders.normalized(name)));
        if (cookieRewritten) {
            more.add("cookie");
        }
        return more;
    }

    /**
     * Identity headers (and the route's identity assertion) and forwarding headers; the session's credentials as
     * {@code Authorization} (the client's own is always dropped); the client's cookies without the JWT cookie, when
     * it was there. The forwarding headers say only what the gateway vouches for: {@code X-Forwarded-For} the hops
     * from the client to the peer, {@code X-Forwarded-Proto} the scheme the client used, {@code X-Forwarded-Host}
     * the host a trusted proxy (or the edge) reported: a direct client's {@code Host} is its own claim, and a
     * backend building links from it would build them wherever the client says.
     */
    private List<Header> added(GatewayRequest request, Route route, ClientChain from, Optional<Identity> identity,
            Optional<Header> credentials, Cookies.Without cookies) {
        List<Header> added = new ArrayList<>(9);
        credentials.ifPresent(added::add);
        cookies.remaining().ifPresent(rest -> added.add(new Header("Cookie", rest)));
        identity.ifPresent(who -> {
            added.add(new Header(identityHeaders.user(), who.subject()));
            added.add(new Header(identityHeaders.roles(), String.join(",", who.roles())));
            added.add(new Header(identityHeaders.tokenId(), who.tokenId().value()));
            if (route.identityAssertion() && assertions.isPresent()) {
                added.add(assertions.get().header(who, route.prefix()));
            }
        });
        added.add(new Header("X-Forwarded-For", from.forwardedFor()));
        added.add(new Header("X-Forwarded-Proto", from.scheme()));
        from.host().or(request::vouchedHost).ifPresent(host -> added.add(new Header("X-Forwarded-Host", host)));
        List<String> via = request.headers().all("Via");
        added.add(new Header("Via", via.isEmpty() ? "1.1 portcullis" : String.join(", ", via) + ", 1.1 portcullis"));
        return added;
    }
}
