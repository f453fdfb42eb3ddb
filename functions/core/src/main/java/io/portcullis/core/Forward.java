package io.portcullis.core;

import io.portcullis.core.config.GatewayConfig.IdentityHeaders;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.net.HopByHop;
import io.portcullis.core.net.TrustedProxies;
import io.portcullis.core.port.RateLimiter;
import io.portcullis.core.route.BadPathException;
import io.portcullis.core.route.CanonicalPath;
import io.portcullis.core.route.Route;
import io.portcullis.core.route.RouteTable;
import io.portcullis.core.token.Identity;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every request that is not the gateway's own: canonical path → route (404) → method (405) → token on secure
 * routes (401/403) → rate limit (429) → a {@link ForwardingPlan}. The limit is per user over all routes; open
 * routes are limited per client address.
 */
public final class Forward {
    /**
     * Client headers never forwarded, besides hop-by-hop ones: the gateway sets them itself, or, for
     * {@code Expect}, has already answered the client's {@code 100-continue}.
     */
    private static final Set<String> GATEWAY_SET = Set.of("authorization", "host", "x-forwarded-for",
            "x-forwarded-proto", "x-forwarded-host", "via", "expect");

    private final RouteTable routes;
    private final CheckToken checkToken;
    private final RateLimiter limiter;
    private final RateLimit limit;
    private final TrustedProxies proxies;
    private final IdentityHeaders identityHeaders;
    private final Set<String> droppedFromTrusted;
    private final Set<String> droppedFromOthers;
    private final Clock clock;

    Forward(RouteTable routes, CheckToken checkToken, RateLimiter limiter, RateLimit limit, TrustedProxies proxies,
            IdentityHeaders identityHeaders, Clock clock) {
        this.routes = routes;
        this.checkToken = checkToken;
        this.limiter = limiter;
        this.limit = limit;
        this.proxies = proxies;
        this.identityHeaders = identityHeaders;
        this.clock = clock;
        Set<String> dropped = new HashSet<>(HopByHop.HEADERS);
        dropped.addAll(GATEWAY_SET);
        dropped.addAll(identityHeaders.all());
        this.droppedFromTrusted = Set.copyOf(dropped);
        dropped.add("forwarded");
        this.droppedFromOthers = Set.copyOf(dropped);
    }

    public ForwardDecision forward(GatewayRequest request) {
        return forward(request, Optional.empty());
    }

    /**
     * Forwards a request whose token an API Gateway authorizer has already checked: the identity it established
     * is used as is (its token is not opened again); the route's users and roles and the rate limit still apply.
     * Without one, secure routes check the request's own token.
     */
    public ForwardDecision forward(GatewayRequest request, Optional<Identity> authorizedIdentity) {
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
        if (!route.allowsMethod(request.method())) {
            return Rejection.methodNotAllowed(route.allowHeader());
        }
        Optional<Identity> identity = Optional.empty();
        if (route.secure() && authorizedIdentity.isPresent()) {
            if (!route.permits(authorizedIdentity.get())) {
                return Rejection.forbidden("this route does not admit you", "route_forbids_user");
            }
            identity = authorizedIdentity;
        } else if (route.secure()) {
            AuthResult auth = checkToken.authorize(request.headers(), route);
            if (auth instanceof Rejection rejection) {
                return rejection;
            }
            identity = Optional.of(((Authenticated) auth).claims().identity());
        }
        InetAddress client = proxies.clientAddress(request.peer(), request.headers());
        String key = identity.map(c -> "proxy:user:" + c.subject()).orElseGet(() -> "proxy:ip:" + client.getHostAddress());
        RateDecision decision = limiter.acquire(key, limit, clock.instant());
        if (!decision.allowed()) {
            return Rejection.rateLimited(decision);
        }
        return new ForwardingPlan(route, request.method(), route.upstreamUri(path, request.rawQuery()),
                dropped(request), added(request, identity),
                identity, RateLimitHeaders.of(decision));
    }

    /**
     * The access half of {@link #forward}, for an authorizer in front of it: the caller's token is valid and
     * unrevoked, and the route for {@code rawPath}, if any, admits them. Paths without a route are left for the
     * forwarder to answer 404.
     */
    public AuthResult checkAccess(RequestHeaders headers, String rawPath) {
        AuthResult auth = checkToken.authenticate(headers);
        if (auth instanceof Rejection) {
            return auth;
        }
        Optional<Route> route;
        try {
            route = routes.match(CanonicalPath.of(rawPath));
        } catch (BadPathException e) {
            return Rejection.badRequest("invalid_path", e.getMessage());
        }
        if (route.isPresent() && route.get().secure()
                && !route.get().permits(((Authenticated) auth).claims().identity())) {
            return Rejection.forbidden("this route does not admit you", "route_forbids_user");
        }
        return auth;
    }

    /** A {@code Forwarded} header is passed on only from a trusted proxy; from anyone else it is a claim. */
    private Set<String> dropped(GatewayRequest request) {
        Set<String> base = proxies.trusts(request.peer()) ? droppedFromTrusted : droppedFromOthers;
        Set<String> listed = HopByHop.connectionListed(request.headers().all("Connection"));
        if (listed.isEmpty()) {
            return base;
        }
        Set<String> dropped = new HashSet<>(base);
        dropped.addAll(listed);
        return dropped;
    }

    private List<Header> added(GatewayRequest request, Optional<Identity> identity) {
        RequestHeaders headers = request.headers();
        boolean trustedPeer = proxies.trusts(request.peer());
        List<Header> added = new ArrayList<>(7);
        identity.ifPresent(who -> {
            added.add(new Header(identityHeaders.user(), who.subject()));
            added.add(new Header(identityHeaders.roles(), String.join(",", who.roles())));
            added.add(new Header(identityHeaders.tokenId(), who.tokenId().value()));
        });
        String peer = request.peer().getHostAddress();
        List<String> chain = trustedPeer ? headers.all("X-Forwarded-For") : List.of();
        added.add(new Header("X-Forwarded-For", chain.isEmpty() ? peer : String.join(", ", chain) + ", " + peer));
        Optional<String> proto = trustedPeer ? headers.first("X-Forwarded-Proto") : Optional.empty();
        added.add(new Header("X-Forwarded-Proto", proto.orElse(request.secure() ? "https" : "http")));
        Optional<String> host = trustedPeer ? headers.first("X-Forwarded-Host") : Optional.empty();
        host.or(() -> headers.first("Host")).ifPresent(h -> added.add(new Header("X-Forwarded-Host", h)));
        List<String> via = headers.all("Via");
        added.add(new Header("Via", via.isEmpty() ? "1.1 portcullis" : String.join(", ", via) + ", 1.1 portcullis"));
        return added;
    }
}
