package io.portcullis.core;

import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
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
import java.util.Optional;
import io.portcullis.core.config.GatewayConfig.ProxyAuthCompat;

/**
 * {@code POST /auth}: rate-limit by client address and by username, verify the password with Argon2 on the
 * bounded pool, check the user's allowed addresses and second factor, mint a token (and, with refresh tokens on,
 * start its refresh-token family).
 *
 * <p>An unknown user costs the same as a known one: the password is verified against a dummy hash made with the
 * same parameters. A wrong password, an unknown user and a disallowed address all answer the same 401; the
 * {@link Rejection#reason()} tells them apart for the logs.
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
    private final String dummyHash;
    private final Optional<ProxyAuthCompat> proxyAuth;
    private final SecondFactor secondFactor;
    private final TokenStats tokenStats;
    private final Optional<RefreshTokens> refreshTokens;

    IssueToken(UserDirectory users, Passwords passwords, PasswordPool pool, RateLimiter limiter, RateLimit limit,
            TrustedProxies proxies, TokenCodec codec, Duration ttl, SecureRandom random,
            Optional<ProxyAuthCompat> proxyAuth, SecondFactor secondFactor, TokenStats tokenStats,
            Optional<RefreshTokens> refreshTokens, Clock clock) {
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
        this.dummyHash = passwords.hash("portcullis: no such user".toCharArray());
    }

    public LoginResult issue(GatewayRequest request) {
        Instant now = clock.instant();
        InetAddress client = proxies.clientAddress(request.peer(), request.headers());
        RateDecision byAddress = limiter.acquire("auth:ip:" + client.getHostAddress(), limit);
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

        Optional<User> user = users.findUser(credentials.username());
        String hash = user.map(User::passwordHash).orElse(dummyHash);
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
        if (!user.get().mayLogInFrom(client)) {
            return Rejection.invalidCredentials("address_not_allowed", tightest);
        }
        Optional<Rejection> noSecondFactor = secondFactor.refusal(user.get(), credentials.totpCode(), tightest, now);
        if (noSecondFactor.isPresent()) {
            return noSecondFactor.get();
        }
        Claims claims = new Claims(user.get().username(), TokenId.random(random), now, now.plus(ttl),
                user.get().roles());
        tokenStats.issued(claims);
        return new Issued(codec.mintAndEncode(claims), claims, tightest, proxyAuth, credentials.redirect(),
                refreshTokens.map(refresh -> refresh.start(claims)));
    }

    private Rejection rateLimited(RateDecision decision) {
        return proxyAuth.isPresent() ? Rejection.rateLimitedProxyAuthStyle(decision) : Rejection.rateLimited(decision);
    }
}
