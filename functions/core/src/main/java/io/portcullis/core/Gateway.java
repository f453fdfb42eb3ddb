package io.portcullis.core;

import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.jwt.JwksKeys;
import io.portcullis.core.jwt.JwtSettings;
import io.portcullis.core.jwt.JwtVerifier;
import io.portcullis.core.memory.InMemoryRateLimiter;
import io.portcullis.core.memory.InMemoryRevocations;
import io.portcullis.core.memory.InMemorySessions;
import io.portcullis.core.memory.InMemoryUsers;
import io.portcullis.core.net.TrustedProxies;
import io.portcullis.core.password.PasswordPool;
import io.portcullis.core.password.Passwords;
import io.portcullis.core.port.JwksFetcher;
import io.portcullis.core.port.RateLimiter;
import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.port.SessionCredentialStore;
import io.portcullis.core.port.UserRegistry;
import io.portcullis.core.route.RouteTable;
import io.portcullis.core.token.TokenCodec;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway assembled from its configuration and stores: the handlers every shell calls. Built once per process
 * (or Lambda execution environment).
 */
public final class Gateway implements AutoCloseable {
    /**
     * The stores the handlers depend on.
     *
     * @param sessions backend credentials per session id, for routes that inject them (JWT mode)
     */
    public record Stores(UserRegistry users, RevocationStore revocations, RateLimiter rateLimiter,
            SessionCredentialStore sessions) {
        /** Stores without session credentials (an empty in-memory store stands in). */
        public Stores(UserRegistry users, RevocationStore revocations, RateLimiter rateLimiter) {
            this(users, revocations, rateLimiter, new InMemorySessions(Clock.systemUTC()));
        }

        /** Everything in process memory: lost on restart. */
        public static Stores inMemory(Collection<User> users, Clock clock) {
            return new Stores(new InMemoryUsers(users), new InMemoryRevocations(clock), new InMemoryRateLimiter(),
                    new InMemorySessions(clock));
        }

        /** These stores with another session credential store (Redis, say, beside DynamoDB). */
        public Stores withSessions(SessionCredentialStore other) {
            return new Stores(users, revocations, rateLimiter, other);
        }
    }

    /** The paths the gateway answers itself, all {@code POST}. */
    public static final Set<String> OWN_ENDPOINTS = Set.of("/auth", "/auth/revoke", "/logout", "/admin/revoke");

    private final PasswordPool pool;
    private final IssueToken issueToken;
    private final CheckToken checkToken;
    private final Forward forward;
    private final RevokeTokens revokeTokens;
    private final Cors cors;
    private final Optional<ProxyAuthEndpoints> proxyAuth;

    private Gateway(GatewayConfig config, Stores stores, JwksFetcher jwksFetcher, Clock clock) {
        SecureRandom random = new SecureRandom();
        TokenCodec codec = new TokenCodec(config.tokens().keyRing(), random);
        TrustedProxies proxies = new TrustedProxies(config.trustedProxies());
        JwtSettings jwt = config.jwt();
        Optional<JwtVerifier> jwts = jwt.enabled() ? Optional.of(new JwtVerifier(jwt, jwt.jwksUrl().map(url ->
                new JwksKeys(url, jwksFetcher, jwt.jwksRefresh(), jwt.jwksMaxAge(), clock)))) : Optional.empty();
        this.pool = new PasswordPool(config.passwords().threads(), config.passwords().queue());
        this.checkToken = new CheckToken(codec, jwts, jwt.cookie(), jwt.cookieBase64(), stores.revocations(), clock);
        this.issueToken = new IssueToken(stores.users(), new Passwords(config.passwords().argon2()), pool,
                stores.rateLimiter(), config.rateLimits().auth(), proxies, codec, config.tokens().ttl(), random,
                config.proxyAuth(), clock);
        Optional<TokenStats> stats = config.proxyAuth().filter(GatewayConfig.ProxyAuthCompat::stats)
                .map(compat -> new TokenStats(clock));
        this.cors = config.cors();
        this.forward = new Forward(new RouteTable(config.routes()), checkToken, stores.rateLimiter(),
                config.rateLimits().proxy(), proxies, config.identityHeaders(), jwt.defaultRouteToken(),
                jwt.cookie(), new InjectCredentials(stores.sessions(), config.sessions().format()), cors, stats,
                config.proxyAuth().isPresent(), clock);
        this.revokeTokens = new RevokeTokens(checkToken, stores.revocations(), config.maxTokenLifetime(), clock);
        this.proxyAuth = config.proxyAuth().map(compat -> new ProxyAuthEndpoints(compat, revokeTokens, stats));
    }

    /** A gateway whose configuration names no JWKS URL. */
    public static Gateway create(GatewayConfig config, Stores stores, Clock clock) {
        return create(config, stores, JwksFetcher.none(), clock);
    }

    /**
     * A gateway that fetches {@code jwt.jwks-url} through {@code jwksFetcher} (an infra adapter), lazily on the
     * first JWT that needs it.
     */
    public static Gateway create(GatewayConfig config, Stores stores, JwksFetcher jwksFetcher, Clock clock) {
        return new Gateway(config, stores, jwksFetcher, clock);
    }

    /**
     * Answers the gateway's own endpoints ({@code POST /auth}, {@code /auth/revoke}, {@code /logout},
     * {@code /admin/revoke}; other methods there get 405), ProxyAuth's when configured ({@code /adm/revoke},
     * {@code /adm/stats}, {@code GET /logout}), and CORS preflights from allowed origins, on any path; empty for
     * every other request, which belongs to the routes. Every shell dispatches through here, so the endpoints are
     * the same everywhere. The CORS grant for the answer comes from {@link #corsHeaders}.
     */
    public Optional<Reply> ownEndpoint(GatewayRequest request) {
        Optional<Reply> preflight = cors.preflight(request);
        if (preflight.isPresent()) {
            return preflight;
        }
        if (proxyAuth.isPresent()) {
            Optional<Reply> answer = proxyAuth.get().answer(request);
            if (answer.isPresent()) {
                return answer;
            }
        }
        String path = request.rawPath();
        if (!OWN_ENDPOINTS.contains(path)) {
            return Optional.empty();
        }
        if (!request.method().equals("POST")) {
            return Optional.of(Rejection.methodNotAllowed("POST"));
        }
        return Optional.of(switch (path) {
            case "/auth" -> issueToken.issue(request);
            case "/admin/revoke" -> revokeTokens.revokeAsAdmin(request);
            default -> revokeTokens.revokeOwn(request);
        });
    }

    /** The CORS grant for an answer to {@code request} (empty unless its origin is allowed). */
    public List<Header> corsHeaders(GatewayRequest request) {
        return cors.responseHeaders(request.headers());
    }

    public IssueToken issueToken() {
        return issueToken;
    }

    public CheckToken checkToken() {
        return checkToken;
    }

    public Forward forward() {
        return forward;
    }

    public RevokeTokens revokeTokens() {
        return revokeTokens;
    }

    @Override
    public void close() {
        pool.close();
    }
}
