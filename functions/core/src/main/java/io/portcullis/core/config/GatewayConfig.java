package io.portcullis.core.config;

import io.portcullis.core.User;
import io.portcullis.core.assertion.AssertionSettings;
import io.portcullis.core.jwt.JwtSettings;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.net.Cidr;
import io.portcullis.core.net.TrustedProxies;
import io.portcullis.core.page.PageAsset;
import io.portcullis.core.page.PageTemplate;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.port.KeyRing;
import io.portcullis.core.route.Route;
import io.portcullis.core.session.CredentialFormat;
import io.portcullis.core.totp.TotpSecrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's configuration, typed and validated. Built by {@link ConfigLoader} from YAML and environment
 * variables; every shell (server, Lambda) starts from this same record.
 *
 * @param tokens token lifetime and keys
 * @param passwords Argon2 parameters and the size of the pool hashes run on
 * @param users the users from the config (or its users file), passwords possibly still plaintext
 * @param usersFile where the users came from, when not the main file
 * @param rateLimits the limits for proxied requests (per user) and logins (per username and per client address)
 * @param trustedProxies peers whose {@code X-Forwarded-For} (or {@code Forwarded}, as configured) is believed
 * @param store where users, revocations and rate counters live
 * @param identityHeaders the headers that carry the identity to backends
 * @param routes the route table
 * @param upstream backend connection settings
 * @param jwt JWT verification (keys, issuer, audience, where tokens are found); {@link JwtSettings#none()} when
 *     not configured
 * @param sessions where session credentials live and how they are stored, for routes that inject them
 * @param cors the origins browsers may call the gateway from
 * @param proxyAuth ProxyAuth's endpoints and answer formats, for clients written against it
 * @param browser session cookies for browsers, when the {@code browser} section is there
 * @param totp the second factor's settings
 * @param log where the server's access and audit lines go
 * @param server where the server listens and how it treats client connections (the Lambda functions have none)
 * @param identityAssertions signed identity assertions for backends, when the section is there
 * @param openApi whether {@code GET /openapi.yaml} serves the description of the gateway's own endpoints
 */
public record GatewayConfig(
        Tokens tokens,
        Passwords passwords,
        List<UserEntry> users,
        Optional<Path> usersFile,
        RateLimits rateLimits,
        TrustedProxies trustedProxies,
        Store store,
        IdentityHeaders identityHeaders,
        List<Route> routes,
        Upstream upstream,
        JwtSettings jwt,
        Sessions sessions,
        io.portcullis.core.Cors cors,
        Optional<ProxyAuthCompat> proxyAuth,
        Optional<Browser> browser,
        TotpSettings totp,
        LogSettings log,
        ServerSettings server,
        Optional<AssertionSettings> identityAssertions,
        boolean openApi) {

    public GatewayConfig {
        users = List.copyOf(users);
        routes = List.copyOf(routes);
    }

    /**
     * The longest any accepted token can live: Portcullis tokens' lifetime, or, when JWTs are accepted and that is
     * longer, {@code jwt.max-lifetime} plus twice the largest clock skew a configuration may allow (a JWT may expire
     * that far past the lifetime and is accepted until its expiry plus the skew; the largest, so a reload that
     * widens the skew needs no longer retention), or {@code tokens.refresh-max-lifetime} with refresh tokens on,
     * whichever is longest. Revocations are kept this long, so no revoked token (nor refresh-token family) outlives
     * its revocation.
     */
    public Duration maxTokenLifetime() {
        Duration jwts = jwt.maxLifetime().plus(JwtSettings.MAX_CLOCK_SKEW.multipliedBy(2));
        Duration longest = jwt.enabled() && jwts.compareTo(tokens.ttl()) > 0 ? jwts : tokens.ttl();
        return tokens.refresh().map(Refresh::maxLifetime).filter(max -> max.compareTo(longest) > 0).orElse(longest);
    }

    /**
     * What this configuration allows that leaves the gateway weaker than a reader of it may think, each naming its
     * key: logged at every start and reload, and printed by {@code config check}.
     */
    public List<String> warnings() {
        List<String> warnings = new java.util.ArrayList<>();
        if (rateLimits.auth().unlimited()) {
            warnings.add("rate-limits.auth.requests-per-second: logins are not rate-limited (0 requests a second), "
                    + "so passwords can be guessed as fast as Argon2 allows; set a rate (1 a second with a burst of "
                    + "10 suits most sites)");
        }
        return warnings;
    }

    /**
     * What a reload of a running server applies: this configuration, except what the process set up once from
     * {@code running} (the store, the session store, the upstream client, where logs go) and the token lifetimes
     * ({@code tokens.ttl}, the refresh-token settings, {@code jwt.max-lifetime}), which the store's revocation
     * retention was sized by: those stay
     * {@code running}'s until a restart.
     */
    public GatewayConfig reloadedOver(GatewayConfig running) {
        return new GatewayConfig(new Tokens(running.tokens.ttl(), tokens.keyRing(), running.tokens.refresh()),
                passwords, users, usersFile,
                rateLimits, trustedProxies, running.store, identityHeaders, routes, running.upstream,
                jwt.withMaxLifetime(running.jwt.maxLifetime()), running.sessions, cors, proxyAuth, browser, totp,
                running.log, running.server, identityAssertions, openApi);
    }

    /**
     * @param ttl how long a token lives
     * @param keyRing the keys, one issuing
     * @param refresh refresh tokens, when {@code tokens.refresh-ttl} turns them on
     */
    public record Tokens(Duration ttl, KeyRing keyRing, Optional<Refresh> refresh) {
        /** Tokens without refresh tokens. */
        public Tokens(Duration ttl, KeyRing keyRing) {
            this(ttl, keyRing, Optional.empty());
        }
    }

    /**
     * Refresh tokens ({@code tokens.refresh-*}).
     *
     * @param ttl how long a refresh token lasts unused; each refresh starts it again (a sliding session)
     * @param maxLifetime how long a login's family of tokens lasts at most, however often refreshed
     * @param reuseInterval how long after a refresh token was spent another presentation of it still counts as a
     *     concurrent refresh (a new access token, no refresh token) rather than reuse (the family ends); zero: never
     */
    public record Refresh(Duration ttl, Duration maxLifetime, Duration reuseInterval) {
    }

    /**
     * @param argon2 parameters for new hashes
     * @param threads threads that run Argon2 (bounds login CPU)
     * @param queue logins that may wait for a thread before more are turned away with 503
     */
    public record Passwords(Argon2Params argon2, int threads, int queue) {
    }

    /**
     * A user as configured.
     *
     * @param password an Argon2 PHC hash, or plaintext still to be hashed
     * @param totpSecret a TOTP secret (base32) the operator provisioned: enforced at once, no enrolment needed
     */
    public record UserEntry(String username, String password, List<String> roles, List<Cidr> allow,
            Optional<String> totpSecret) {
        public UserEntry {
            roles = List.copyOf(roles);
            allow = List.copyOf(allow);
        }

        public boolean hashed() {
            return io.portcullis.core.password.Passwords.isHash(password);
        }

        /** The user with this password hash. */
        public User toUser(String passwordHash) {
            return new User(username, passwordHash, roles, allow,
                    totpSecret.map(TotpSecrets::confirmed).orElse(TotpSecrets.NONE));
        }

        @Override
        public String toString() {
            return "UserEntry[" + username + "]";
        }
    }

    /** @param proxy the per-user limit over all proxied routes; @param auth the login limit */
    public record RateLimits(RateLimit proxy, RateLimit auth) {
    }

    /** Where state lives. */
    public enum StoreType { MEMORY, EMBEDDED, DYNAMODB }

    /** What the rate limiter does when its store cannot answer. */
    public enum FailureMode { DENY, ALLOW }

    /**
     * Where users, revocations, rate counters and session credentials live.
     *
     * @param type memory (lost on restart), embedded (DynamoDB Local in-process, persisted in {@code dataDir}; the
     *     default), or dynamodb (AWS, or any endpoint)
     * @param dataDir the embedded store's directory
     * @param region the AWS region for dynamodb (default: from the environment)
     * @param endpoint an endpoint override for dynamodb (DynamoDB Local, a proxy)
     * @param tablePrefix prefix of the four table names ({@code users}, {@code revocations}, {@code rate-limits},
     *     {@code sessions})
     * @param sharedRateLimits whether rate limits are counted in the table (several servers share them) or in
     *     process memory (one server)
     * @param rateLimitLease permits taken per table write in shared mode (1 = one write per request)
     * @param rateLimitFailure whether requests are refused (503) or let through when the limiter's store fails
     * @param timeout deadline for one store call, retries included
     * @param revocationMaxStaleness how long revocations may go unrefreshed (store unreachable) before checks answer
     *     503
     * @param createTables whether to create missing tables at startup (embedded: yes; AWS: Terraform does)
     */
    public record Store(StoreType type, Path dataDir, Optional<String> region, Optional<java.net.URI> endpoint,
            String tablePrefix, boolean sharedRateLimits, int rateLimitLease, FailureMode rateLimitFailure,
            Duration timeout, Duration revocationMaxStaleness, boolean createTables) {
    }

    /** Header names for the user, their roles and the token id. */
    public record IdentityHeaders(String user, String roles, String tokenId) {
        public List<String> all() {
            return List.of(user, roles, tokenId);
        }
    }

    /**
     * How the gateway treats backends.
     *
     * @param connectTimeout for a new connection (TCP, a proxy's tunnel, TLS)
     * @param readTimeout the longest wait for a backend's answer, and then for each part of its body
     * @param idleTimeout how long an unused pooled connection is kept (shorter than backends' own keep-alive)
     * @param maxConnectionsPerBackend requests in flight to one backend at most; more wait their turn
     * @param queueTimeout how long a request waits for its turn before 503
     */
    public record Upstream(Duration connectTimeout, Duration readTimeout, Duration idleTimeout,
            int maxConnectionsPerBackend, Duration queueTimeout) {
    }

    /**
     * The {@code proxyauth} section: what a client written against ProxyAuth expects besides the routes.
     *
     * @param adminToken the {@code X-Auth-Token} of {@code POST /adm/revoke} and {@code GET /adm/stats}; without
     *     it those endpoints answer 404
     * @param stats whether tokens' uses are counted for {@code GET /adm/stats}
     * @param timezone the zone of a login's {@code expires_at}, written {@code 2026-01-31 18:00:00 +01:00} (the stats'
     *     dates are in UTC, as ProxyAuth writes them)
     * @param logoutRedirect where {@code GET /logout} redirects to (302); without it, it answers 200
     */
    public record ProxyAuthCompat(Optional<String> adminToken, boolean stats, java.time.ZoneId timezone,
            Optional<String> logoutRedirect) {
        private static final java.time.format.DateTimeFormatter FORMAT =
                java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

        /** A time as ProxyAuth writes it (chrono's {@code %Y-%m-%d %H:%M:%S %:z}) in the configured zone. */
        public String format(java.time.Instant instant) {
            return FORMAT.format(instant.atZone(timezone));
        }

        @Override
        public String toString() {
            return "ProxyAuthCompat[stats=" + stats + ", timezone=" + timezone + "]";
        }
    }

    /** Where session credentials live. */
    public enum SessionStoreType { MEMORY, DYNAMODB, REDIS }

    /**
     * The {@code sessions} section: the session credential store and the stored format.
     *
     * @param store memory (tests), dynamodb (the {@code <prefix>sessions} table of the {@code store} section) or
     *     redis (hyper-auth-proxy's layout: key = session id, value {@code {"credentials": "..."}})
     * @param redisUri {@code redis://[user:password@]host[:port][/db]} or {@code rediss://…} (TLS), for redis
     * @param connectTimeout deadline to open a Redis connection (and to wait for a free pooled one)
     * @param readTimeout deadline of one Redis command
     * @param poolSize most Redis connections held open
     * @param format how stored credentials are opened; empty when the section is absent (no route injects then)
     */
    public record Sessions(SessionStoreType store, Optional<java.net.URI> redisUri, Duration connectTimeout,
            Duration readTimeout, int poolSize, Optional<CredentialFormat> format) {
    }

    /**
     * The {@code browser} section: a form login sets the token as an {@code HttpOnly; Secure; SameSite=Strict}
     * cookie and redirects.
     *
     * @param cookie the session cookie's name; the CSRF cookie is this name with {@code -csrf}
     * @param maxAge the longest a session cookie lives (never past its token)
     * @param loginRedirect where a browser goes after logging in, a path on this site
     * @param logoutRedirect where a browser goes after logging out; without it, logout answers 204
     * @param loginErrorRedirect where a browser goes when a login fails, with {@code ?error=<code>}; without it the
     *     failure is answered in JSON
     * @param csrf whether cookie-authenticated state-changing requests need the CSRF token (routes may opt out)
     * @param pages the gateway's own pages: sign-in, signed out, second factor
     */
    public record Browser(String cookie, Duration maxAge, String loginRedirect, Optional<String> logoutRedirect,
            Optional<String> loginErrorRedirect, boolean csrf, Pages pages) {
        public String csrfCookie() {
            return cookie + "-csrf";
        }

        /** The refresh token's cookie, with refresh tokens on: {@code HttpOnly}, like the session cookie. */
        public String refreshCookie() {
            return cookie + "-refresh";
        }

        /** The cookie that carries a two-step sign-in from its password step to its code step. */
        public String loginTicketCookie() {
            return cookie + "-login";
        }
    }

    /**
     * The {@code browser} section's pages and their branding.
     *
     * @param loginPage where the sign-in page is served, a path on this site
     * @param title the sign-in page's heading (and, with the product, its title)
     * @param product the name shown above every page's heading
     * @param logo the image shown beside the product name, served by the gateway
     * @param accentColor buttons' colour, {@code #rrggbb}
     * @param template the pages' markup: the built-in template, or the operator's
     */
    public record Pages(String loginPage, String title, String product, Optional<PageAsset> logo, String accentColor,
            PageTemplate template) {
    }

    /**
     * The {@code totp} section.
     *
     * @param required whether every login needs a code (users without a confirmed secret cannot log in); without
     *     it, only enrolled users need one
     * @param algorithm the HMAC of new enrolments and of every check
     * @param issuer the name authenticator apps show
     */
    public record TotpSettings(boolean required, io.portcullis.core.totp.TotpAlgorithm algorithm, String issuer) {
        public static final TotpSettings DEFAULT = new TotpSettings(false,
                io.portcullis.core.totp.TotpAlgorithm.SHA1, "Portcullis");
    }
}
