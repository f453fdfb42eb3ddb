package io.portcullis.core;

import io.portcullis.core.config.GatewayConfig.ProxyAuthCompat;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.net.ClientKey;
import io.portcullis.core.net.TrustedProxies;
import io.portcullis.core.password.PasswordPool;
import io.portcullis.core.password.Passwords;
import io.portcullis.core.port.RateLimiter;
import io.portcullis.core.port.UserDirectory;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenCodec;
import io.portcullis.core.token.TokenId;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /auth}: rate-limit by client address and by username, verify the password with Argon2 on the
 * bounded pool, check the user's allowed addresses and second factor, mint a token (and, with refresh tokens on,
 * start its refresh-token family).
 *
 * <p>An unknown user costs the same as a known one: the password is verified against a dummy hash made with the
 * parameters the stored hashes use (those most of the configured users' hashes have, which may not be today's
 * {@code passwords.argon2}: hashes keep the parameters they were made with). That hash is made by the first login,
 * whoever logs in, not when the gateway is built: a Lambda authorizer or forwarder never logs anyone in, and one
 * Argon2 hash (and loading its native library) was a large part of their cold start. A wrong password, an unknown
 * user and a disallowed address all answer the same 401; the {@link Rejection#reason()} tells them apart for the
 * logs. Both limits are taken before Argon2 runs, so a refused attempt costs no hash.
 */
public final class IssueToken {
    private final UserDirectory users;
    private final Passwords passwords;
    private final PasswordPool pool;
    private final RateLimiter limiter;
    private final RateLimit limit;
    private final TrustedProxies proxies;
    private final TokenCodec codec;
    private final Duration ttl;
    private final SecureRandom random;
    private final Clock clock;
    private final List<String> storedHashes;
    private volatile String dummyHash;
    private final Optional<ProxyAuthCompat> proxyAuth;
    private final SecondFactor secondFactor;
    private final TokenStats tokenStats;
    private final Optional<RefreshTokens> refreshTokens;

    IssueToken(UserDirectory users, Passwords passwords, PasswordPool pool, RateLimiter limiter, RateLimit limit,
            TrustedProxies proxies, TokenCodec codec, Duration ttl, SecureRandom random,
            Optional<ProxyAuthCompat> proxyAuth, SecondFactor secondFactor, TokenStats tokenStats,
            Optional<RefreshTokens> refreshTokens, Collection<String> storedHashes, Clock clock) {
        this.tokenStats = tokenStats;
        this.refreshTokens = refreshTokens;
        this.proxyAuth = proxyAuth;
        this.secondFactor = secondFactor;
        this.users = users;
        this.passwords = passwords;
        this.pool = pool;
        this.limiter = limiter;
        this.limit = limit;
        this.proxies = proxies;
        this.codec = codec;
        this.ttl = ttl;
        this.random = random;
        this.clock = clock;
        this.storedHashes = List.copyOf(storedHashes);
    }

    /**
     * A hash to verify unknown users' passwords against, with the Argon2 parameters most of {@code storedHashes}
     * have (ties and no hashes at all: the configured parameters, which new hashes get).
     */
    static String dummyHash(Passwords passwords, Collection<String> storedHashes) {
        char[] dummy = "portcullis: no such user".toCharArray();
        Map<String, String> byParameters = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (String hash : storedHashes) {
            Passwords.parameters(hash).ifPresent(parameters -> {
                byParameters.putIfAbsent(parameters, hash);
                counts.merge(parameters, 1, Integer::sum);
            });
        }
        String configuredParameters = passwords.parameters();
        String most = configuredParameters;
        for (Map.Entry<String, Integer> count : counts.entrySet()) {
            if (count.getValue() > counts.getOrDefault(most, 0)) {
                most = count.getKey();
            }
        }
        return most.equals(configuredParameters) ? passwords.hash(dummy) : passwords.hashLike(byParameters.get(most),
                dummy);
    }

    /** The hash unknown users are checked against, made by the first login that needs it. */
    String dummyHash() {
        String hash = dummyHash;
        if (hash == null) {
            synchronized (this) {
                hash = dummyHash;
                if (hash == null) {
                    hash = dummyHash(passwords, storedHashes);
                    dummyHash = hash;
                }
            }
        }
        return hash;
    }

    public LoginResult issue(GatewayRequest request) {
        Instant now = clock.instant();
        InetAddress client = proxies.clientAddress(request.peer(), request.headers());
        RateDecision byAddress = limiter.acquire("auth:ip:" + ClientKey.of(client), limit);
        if (!byAddress.allowed()) {
            return rateLimited(byAddress);
        }
        Credentials credentials;
        try {
            credentials = Credentials.read(request);
        } catch (BadRequestException e) {
            return e.rejection();
        }
        RateDecision byUser = limiter.acquire("auth:user:" + credentials.username(), limit);
        if (!byUser.allowed()) {
            return rateLimited(byUser);
        }
        RateDecision tightest = byUser.remaining() < byAddress.remaining() ? byUser : byAddress;

        String dummy = dummyHash();
        Optional<User> user = users.findUser(credentials.username());
        String hash = user.map(User::passwordHash).orElse(dummy);
        boolean matches;
        try {
            matches = pool.run(() -> passwords.verify(hash, credentials.password()));
        } catch (PasswordPool.SaturatedException e) {
            return Rejection.overloaded();
        }
        if (user.isEmpty()) {
            return Rejection.invalidCredentials("unknown_user", tightest);
        }
        if (!matches) {
            return Rejection.invalidCredentials("wrong_password", tightest);
        }
        return admitted(user.get(), client, credentials.totpCode(), credentials.redirect(), tightest, now);
    }

    /**
     * The code step of a browser's two-step sign-in: {@code username}'s password was verified moments ago (a login
     * ticket says so), and {@code code} completes it. It counts against the same limits as a login, and the user's
     * allowed addresses and second factor are checked as in {@link #issue}; no password is hashed.
     */
    LoginResult issueWithCode(GatewayRequest request, String username, Optional<String> code,
            Optional<String> redirect) {
        Instant now = clock.instant();
        InetAddress client = proxies.clientAddress(request.peer(), request.headers());
        RateDecision byAddress = limiter.acquire("auth:ip:" + client.getHostAddress(), limit);
        if (!byAddress.allowed()) {
            return rateLimited(byAddress);
        }
        RateDecision byUser = limiter.acquire("auth:user:" + username, limit);
        if (!byUser.allowed()) {
            return rateLimited(byUser);
        }
        RateDecision tightest = byUser.remaining() < byAddress.remaining() ? byUser : byAddress;
        Optional<User> user = users.findUser(username);
        if (user.isEmpty()) {
            return Rejection.invalidCredentials("unknown_user", tightest);
        }
        return admitted(user.get(), client, code, redirect, tightest, now);
    }

    /** After the password: the user's allowed addresses, their second factor, then a token. */
    private LoginResult admitted(User user, InetAddress client, Optional<String> code, Optional<String> redirect,
            RateDecision tightest, Instant now) {
        if (!user.mayLogInFrom(client)) {
            return Rejection.invalidCredentials("address_not_allowed", tightest);
        }
        Optional<Rejection> noSecondFactor = secondFactor.refusal(user, code, tightest, now);
        if (noSecondFactor.isPresent()) {
            return noSecondFactor.get();
        }
        Claims claims = new Claims(user.username(), TokenId.random(random), now, now.plus(ttl), user.roles());
        tokenStats.issued(claims);
        return new Issued(codec.mintAndEncode(claims), claims, tightest, proxyAuth, redirect,
                refreshTokens.map(refresh -> refresh.start(claims)));
    }

    private Rejection rateLimited(RateDecision decision) {
        return proxyAuth.isPresent() ? Rejection.rateLimitedProxyAuthStyle(decision) : Rejection.rateLimited(decision);
    }
}
