package io.portcullis.core;

import io.portcullis.core.assertion.IdentityAssertions;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.jwt.JwksKeys;
import io.portcullis.core.jwt.JwtSettings;
import io.portcullis.core.jwt.JwtVerifier;
import io.portcullis.core.memory.InMemoryRateLimiter;
import io.portcullis.core.memory.InMemoryRefreshTokens;
import io.portcullis.core.memory.InMemorySigningKeys;
import io.portcullis.core.memory.InMemoryRevocations;
import io.portcullis.core.memory.InMemorySessions;
import io.portcullis.core.memory.InMemoryUsers;
import io.portcullis.core.net.TrustedProxies;
import io.portcullis.core.page.PagePaths;
import io.portcullis.core.password.PasswordPool;
import io.portcullis.core.password.Passwords;
import io.portcullis.core.port.JwksFetcher;
import io.portcullis.core.port.RateLimiter;
import io.portcullis.core.port.RefreshTokenStore;
import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.port.SigningKeyStore;
import io.portcullis.core.port.SessionCredentialStore;
import io.portcullis.core.port.UserRegistry;
import io.portcullis.core.route.RouteTable;
import io.portcullis.core.token.CsrfTokens;
import io.portcullis.core.token.LoginTickets;
import io.portcullis.core.token.RefreshTokenCodec;
import io.portcullis.core.token.SealedKeys;
import io.portcullis.core.token.TokenCodec;
import io.portcullis.core.totp.Totp;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
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
     * @param refreshTokens refresh-token families, when {@code tokens.refresh-ttl} turns refresh tokens on
     * @param signingKeys the identity assertions' keys, when the gateway generates them (none configured)
     */
    public record Stores(UserRegistry users, RevocationStore revocations, RateLimiter rateLimiter,
            SessionCredentialStore sessions, RefreshTokenStore refreshTokens, SigningKeyStore signingKeys) {
        /** Stores without session credentials, refresh tokens or signing keys (empty in-memory stores stand in). */
        public Stores(UserRegistry users, RevocationStore revocations, RateLimiter rateLimiter) {
            this(users, revocations, rateLimiter, new InMemorySessions(Clock.systemUTC()),
                    new InMemoryRefreshTokens(Clock.systemUTC()), new InMemorySigningKeys(Clock.systemUTC()));
        }

        /** Everything in process memory: lost on restart. */
        public static Stores inMemory(Collection<User> users, Clock clock) {
            return new Stores(new InMemoryUsers(users), new InMemoryRevocations(clock), new InMemoryRateLimiter(clock),
                    new InMemorySessions(clock), new InMemoryRefreshTokens(clock), new InMemorySigningKeys(clock));
        }

        /** These stores with another session credential store (Redis, say, beside DynamoDB). */
        public Stores withSessions(SessionCredentialStore other) {
            return new Stores(users, revocations, rateLimiter, other, refreshTokens, signingKeys);
        }
    }

    /**
     * The paths the gateway answers itself with {@code POST}; with browser sessions on, {@code GET /logout} too. The
     * admin API's other paths take other methods: {@link #ADMIN_ROUTE_KEYS}.
     */
    public static final Set<String> OWN_ENDPOINTS = Set.of("/auth", "/auth/refresh", "/auth/revoke", "/logout",
            "/admin/revoke", "/auth/totp/enrol", "/auth/totp/confirm");

    /**
     * The documents the gateway serves with {@code GET}: the JWKS of its identity assertions and its OpenAPI
     * description (the token function serves them on Lambda).
     */
    public static final Set<String> DOCUMENTS = Documents.PATHS;

    /**
     * The admin API's user management, as API Gateway route keys ({@code {name}} is one path segment): the token
     * function serves them on Lambda. {@code GET /admin/tokens} is the server's only: it lists the tokens one
     * instance has seen, which in a Lambda execution environment is too few to mean anything.
     */
    public static final Set<String> ADMIN_ROUTE_KEYS = Set.of("GET /admin/users", "GET /admin/users/{name}",
            "PUT /admin/users/{name}", "DELETE /admin/users/{name}");

    /**
     * The pages for browsers (the {@code browser} section), as API Gateway route keys: the sign-in page at its
     * default path, the signed-out and second-factor pages, and their files ({@code {file}} is one path segment).
     * The token function serves them on Lambda.
     */
    public static final Set<String> PAGE_ROUTE_KEYS = Set.of("GET " + PagePaths.DEFAULT_LOGIN,
            "GET " + PagePaths.SIGNED_OUT, "GET " + PagePaths.SECOND_FACTOR, "POST " + PagePaths.SECOND_FACTOR,
            "GET " + PagePaths.ASSETS + "{file}");

    private final GatewayConfig config;
    private final Stores stores;
    private final JwksFetcher jwksFetcher;
    private final Clock clock;
    private final TokenStats tokenStats;
    private final TrustedProxies proxies;
    private final PasswordPool pool;
    private final IssueToken issueToken;
    private final CheckToken checkToken;
    private final Forward forward;
    private final RevokeTokens revokeTokens;
    private final Cors cors;
    private final Optional<ProxyAuthEndpoints> proxyAuth;
    private final Optional<BrowserSessions> browser;
    private final Optional<SignInPages> pages;
    private final TotpEnrolment totpEnrolment;
    private final AdminEndpoints admin;
    private final Optional<RefreshTokens> refreshTokens;
    private final Optional<IdentityAssertions> assertions;
    private final Documents documents;

    private Gateway(GatewayConfig config, Stores stores, JwksFetcher jwksFetcher, Clock clock, TokenStats tokenStats,
            Optional<IdentityAssertions> previousAssertions) {
        this.config = config;
        this.stores = stores;
        this.jwksFetcher = jwksFetcher;
        this.clock = clock;
        this.tokenStats = tokenStats;
        SecureRandom random = new SecureRandom();
        TokenCodec codec = new TokenCodec(config.tokens().keyRing(), random);
        this.proxies = config.trustedProxies();
        JwtSettings jwt = config.jwt();
        Optional<JwtVerifier> jwts = jwt.enabled() ? Optional.of(new JwtVerifier(jwt, jwt.jwksUrl().map(url ->
                new JwksKeys(url, jwksFetcher, jwt.jwksRefresh(), jwt.jwksMaxAge(), clock)))) : Optional.empty();
        this.pool = new PasswordPool(config.passwords().threads(), config.passwords().queue());
        this.checkToken = new CheckToken(codec, jwts, jwt.cookie(), jwt.cookieBase64(),
                config.browser().map(GatewayConfig.Browser::cookie), stores.revocations(), clock);
        CsrfTokens csrfTokens = new CsrfTokens(config.tokens().keyRing());
        this.cors = config.cors();
        CsrfGuard csrf = new CsrfGuard(csrfTokens, config.browser().map(GatewayConfig.Browser::csrf).orElse(false),
                proxies, cors);
        Totp totp = new Totp(config.totp().algorithm(), 6);
        SecondFactor secondFactor = new SecondFactor(stores.users(), totp, config.totp().required());
        Passwords passwords = new Passwords(config.passwords().argon2());
        this.refreshTokens = config.tokens().refresh().map(refresh -> new RefreshTokens(refresh,
                stores.refreshTokens(), new RefreshTokenCodec(config.tokens().keyRing(), random), codec,
                config.tokens().ttl(), stores.revocations(), stores.rateLimiter(), config.rateLimits().auth(),
                proxies, tokenStats, clock));
        this.issueToken = new IssueToken(stores.users(), passwords, pool, stores.rateLimiter(),
                config.rateLimits().auth(), proxies, codec, config.tokens().ttl(), random, config.proxyAuth(),
                secondFactor, tokenStats, refreshTokens, config.users().stream()
                        .map(GatewayConfig.UserEntry::password).filter(Passwords::isHash).toList(), clock);
        this.totpEnrolment = new TotpEnrolment(checkToken, csrf, stores.users(), secondFactor, totp, config.totp(),
                stores.rateLimiter(), config.rateLimits().auth(), random, clock);
        AdminGuard admins = new AdminGuard(checkToken, csrf, config.proxyAuth()
                .flatMap(GatewayConfig.ProxyAuthCompat::adminToken));
        this.revokeTokens = new RevokeTokens(checkToken, csrf, admins, stores.revocations(),
                config.maxTokenLifetime(), refreshTokens, clock);
        LoginTickets tickets = new LoginTickets(config.tokens().keyRing());
        this.browser = config.browser().map(settings -> new BrowserSessions(settings, csrfTokens, tickets,
                issueToken, revokeTokens, refreshTokens, clock));
        Set<String> tokenCookies = new HashSet<>();
        jwt.cookie().ifPresent(tokenCookies::add);
        config.browser().ifPresent(browser -> {
            tokenCookies.add(browser.cookie());
            tokenCookies.add(browser.refreshCookie());
            tokenCookies.add(browser.loginTicketCookie());
        });
        this.assertions = config.identityAssertions().map(settings -> IdentityAssertions.create(settings,
                stores.signingKeys(), new SealedKeys(config.tokens().keyRing(), random), random, previousAssertions,
                clock));
        this.forward = new Forward(new RouteTable(config.routes()), checkToken, stores.rateLimiter(),
                config.rateLimits().proxy(), proxies, config.identityHeaders(), jwt.defaultRouteToken(),
                tokenCookies, csrf, new InjectCredentials(stores.sessions(), config.sessions().format()), cors,
                tokenStats, browser, assertions, config.proxyAuth().isPresent(),
                config.browser().map(browser -> new SignInRedirect(browser.pages().loginPage())), clock);
        this.documents = new Documents(assertions, config.openApi());
        this.proxyAuth = config.proxyAuth().map(compat -> new ProxyAuthEndpoints(compat, admins, revokeTokens,
                compat.stats() ? Optional.of(tokenStats) : Optional.empty(), stores.revocations()::isRevoked));
        Set<String> listed = new HashSet<>();
        config.users().forEach(user -> listed.add(user.username()));
        this.admin = new AdminEndpoints(admins, revokeTokens, tokenStats, stores.revocations(),
                new ManageUsers(stores.users(), stores.revocations(), listed, passwords, pool, clock));
        this.pages = config.browser().map(settings -> {
            PageWriter writer = new PageWriter(settings.pages());
            return new SignInPages(settings.loginTicketCookie(), writer, tickets, new SecondFactorPage(checkToken,
                    csrf, csrfTokens, totpEnrolment, stores.users(), writer, settings.loginRedirect()), clock);
        });
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
        return new Gateway(config, stores, jwksFetcher, clock, new TokenStats(clock), Optional.empty());
    }

    /**
     * A gateway for {@code newConfig} on this one's stores, keeping what this process has learnt (the tokens it has
     * seen, for {@code GET /admin/tokens}; the identity assertions' signing key, published until its assertions
     * have expired): a reloaded configuration. This gateway stays usable until closed.
     */
    public Gateway reconfigured(GatewayConfig newConfig) {
        return new Gateway(newConfig, stores, jwksFetcher, clock, tokenStats, assertions);
    }

    /** Whose forwarding headers this gateway believes ({@code trusted-proxies}), for a shell's own use of them. */
    public TrustedProxies trustedProxies() {
        return proxies;
    }

    /** The configuration this gateway was built from. */
    public GatewayConfig config() {
        return config;
    }

    /**
     * Whether {@link #ownEndpoint} may answer a request for {@code rawPath} itself, whatever the configuration:
     * {@link #OWN_ENDPOINTS}, the {@link #DOCUMENTS}, the admin API's paths, and the browser pages' (the sign-in page
     * at its default path; CORS preflights aside).
     */
    public static boolean isOwnPath(String rawPath) {
        return OWN_ENDPOINTS.contains(rawPath) || Documents.PATHS.contains(rawPath)
                || AdminEndpoints.isAdminPath(rawPath) || rawPath.equals(PagePaths.DEFAULT_LOGIN)
                || PagePaths.isFixed(rawPath);
    }

    /**
     * Answers the gateway's own endpoints ({@code POST /auth}, {@code /auth/refresh}, {@code /auth/revoke},
     * {@code /logout}, {@code /auth/totp/enrol}, {@code /auth/totp/confirm}; other methods there get 405), the admin
     * API ({@code /admin/revoke}, {@code /admin/tokens}, {@code /admin/users[/NAME]}), its documents
     * ({@code GET /.well-known/jwks.json}, {@code GET /openapi.yaml}), {@code GET /logout} and the pages for browsers
     * ({@link SignInPages}) when the {@code browser} section is on, ProxyAuth's when configured ({@code /adm/revoke},
     * {@code /adm/stats}, {@code GET /logout}), and CORS preflights from allowed origins, on any path; empty for every other request, which belongs to the routes. Every shell dispatches through here, so
     * the endpoints are the same everywhere. The CORS grant for the answer comes from {@link #corsHeaders}.
     */
    public Optional<Reply> ownEndpoint(GatewayRequest request) {
        Optional<Reply> preflight = cors.preflight(request);
        if (preflight.isPresent()) {
            return preflight;
        }
        if (pages.isPresent()) {
            Optional<Reply> page = pages.get().answer(request);
            if (page.isPresent()) {
                return page;
            }
        }
        if (browser.isPresent() && request.rawPath().equals("/logout")
                && (request.method().equals("GET") || request.method().equals("POST"))) {
            return Optional.of(browser.get().logout(request));
        }
        if (proxyAuth.isPresent()) {
            Optional<Reply> answer = proxyAuth.get().answer(request);
            if (answer.isPresent()) {
                return answer;
            }
        }
        Optional<Reply> adminAnswer = admin.answer(request);
        if (adminAnswer.isPresent()) {
            return adminAnswer;
        }
        Optional<Reply> document = documents.answer(request);
        if (document.isPresent()) {
            return document;
        }
        String path = request.rawPath();
        if (!OWN_ENDPOINTS.contains(path)) {
            return Optional.empty();
        }
        if (!request.method().equals("POST")) {
            return Optional.of(Rejection.methodNotAllowed("POST"));
        }
        return Optional.of(switch (path) {
            case "/auth" -> browser.isPresent() ? browser.get().login(request) : issueToken.issue(request);
            case "/auth/refresh" -> refresh(request);
            case "/auth/totp/enrol" -> totpEnrolment.enrol(request);
            case "/auth/totp/confirm" -> totpEnrolment.confirm(request);
            case "/logout" -> revokeTokens.logout(request);
            default -> revokeTokens.revokeOwn(request);
        });
    }

    /** {@code POST /auth/refresh}: a program's refresh token in the body, or a browser's refresh cookie. */
    private Reply refresh(GatewayRequest request) {
        if (refreshTokens.isEmpty()) {
            return new Rejection(404, "refresh_disabled", "refresh tokens are not enabled on this gateway",
                    "refresh_disabled", List.of());
        }
        RefreshTokens refresh = refreshTokens.get();
        return browser.isPresent() ? browser.get().refresh(request, () -> refresh.refresh(request))
                : refresh.refresh(request);
    }

    /** The answer to a CORS preflight from an allowed origin, on any path; empty for every other request. */
    public Optional<Reply> preflight(GatewayRequest request) {
        return cors.preflight(request);
    }

    /**
     * Whether {@link #ownEndpoint} answers requests for {@code rawPath} itself on this configuration, so that no route
     * may get them: {@link #isOwnPath}, and ProxyAuth's {@code /adm/} endpoints when the {@code proxyauth} section is
     * there. A shell that serves only some of the endpoints (a Lambda deployment) answers the others 404 with this.
     */
    public boolean ownsPath(String rawPath) {
        return isOwnPath(rawPath) || proxyAuth.isPresent() && ProxyAuthEndpoints.isAdminPath(rawPath);
    }

    /** The CORS grant for an answer to {@code request} (empty unless its origin is allowed). */
    public List<Header> corsHeaders(GatewayRequest request) {
        return cors.responseHeaders(request.headers());
    }

    /** The bounded pool Argon2 runs on. */
    PasswordPool passwordPool() {
        return pool;
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
