package io.portcullis.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.config.GatewayConfig.Refresh;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.net.ClientKey;
import io.portcullis.core.net.TrustedProxies;
import io.portcullis.core.port.RateLimiter;
import io.portcullis.core.port.RefreshTokenStore;
import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.Identity;
import io.portcullis.core.token.RefreshFamily;
import io.portcullis.core.token.RefreshTokenCodec;
import io.portcullis.core.token.TokenCodec;
import io.portcullis.core.token.TokenId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Refresh tokens with rotation and reuse detection (RFC 9700 §4.14), on when {@code tokens.refresh-ttl} is set.
 *
 * <p>A login starts a <em>family</em>: its access token's id names it, and every access token a refresh of it
 * mints carries the same id, so revoking that id (a logout, an admin) revokes them all at once. The family keeps
 * the hash of one live refresh token. {@code POST /auth/refresh} spends it and gets a new access token and a new
 * refresh token; the store's conditional write lets exactly one of several racing presentations spend it.
 *
 * <p>A spent refresh token presented again is reuse: someone holds a copy. The whole family ends (its refresh
 * tokens in the store, its access tokens by their shared id in the revocation store), whoever presented it. One
 * exception keeps a browser's (or a client's) parallel requests from logging it out: presented again within
 * {@code tokens.refresh-reuse-interval} of its spending, the token gets a new access token but no refresh token,
 * and the family goes on with the refresh token the first presentation got.
 *
 * <p>A family also ends when its user's tokens are revoked (a "revoked before" cutoff at or after its login: an
 * admin revoking the user, a password change, a role taken away, the user removed), and at its absolute end
 * ({@code tokens.refresh-max-lifetime} after the login), however often it was refreshed. Access tokens a family
 * mints never outlive that end.
 */
public final class RefreshTokens {
    /** The refusal reason of a reused refresh token: the family has been revoked (audited). */
    public static final String REUSED = "refresh_token_reused";
    private static final int MAX_BODY_BYTES = 4096;

    /** A refresh token handed to a client: the token (never logged) and when it expires unused. */
    public record Grant(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Grant[until " + expiresAt + "]";
        }
    }

    /** What presenting a refresh token came to. */
    sealed interface Renewal {
    }

    /**
     * A new access token, and a new refresh token unless this was a concurrent presentation of one just spent.
     *
     * @param accessToken the sealed access token, for the client only
     */
    record Renewed(Claims claims, String accessToken, Optional<Grant> refresh) implements Renewal {
        @Override
        public String toString() {
            return "Renewed[" + claims.tokenId() + " for " + claims.subject() + "]";
        }
    }

    /** The refresh token was refused. */
    record Refused(Rejection rejection) implements Renewal {
    }

    private final Refresh settings;
    private final RefreshTokenStore store;
    private final RefreshTokenCodec refreshCodec;
    private final TokenCodec accessCodec;
    private final Duration accessTtl;
    private final RevocationStore revocations;
    private final RateLimiter limiter;
    private final RateLimit limit;
    private final TrustedProxies proxies;
    private final TokenStats tokenStats;
    private final Clock clock;

    RefreshTokens(Refresh settings, RefreshTokenStore store, RefreshTokenCodec refreshCodec, TokenCodec accessCodec,
            Duration accessTtl, RevocationStore revocations, RateLimiter limiter, RateLimit limit,
            TrustedProxies proxies, TokenStats tokenStats, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.refreshCodec = refreshCodec;
        this.accessCodec = accessCodec;
        this.accessTtl = accessTtl;
        this.revocations = revocations;
        this.limiter = limiter;
        this.limit = limit;
        this.proxies = proxies;
        this.tokenStats = tokenStats;
        this.clock = clock;
    }

    /** Starts the family of a login whose access token has these claims; its first refresh token. */
    Grant start(Claims access) {
        Instant now = access.issuedAt();
        Instant endsAt = now.plus(settings.maxLifetime());
        Instant expiresAt = earlier(now.plus(settings.ttl()), endsAt);
        RefreshTokenCodec.Minted minted = refreshCodec.mint(access.tokenId());
        store.start(RefreshFamily.started(access.tokenId(), access.subject(), access.roles(), now, endsAt,
                minted.hash(), expiresAt));
        return new Grant(minted.token(), expiresAt);
    }

    /** {@code POST /auth/refresh} with {@code {"refresh_token": "…"}} (JSON, or a form as OAuth clients send it). */
    Reply refresh(GatewayRequest request) {
        RateDecision rate = limit(request);
        if (!rate.allowed()) {
            return Rejection.rateLimited(rate);
        }
        String presented;
        try {
            presented = presentedToken(request);
        } catch (BadRequestException e) {
            return e.rejection();
        }
        return switch (renew(presented)) {
            case Refused refused -> refused.rejection();
            case Renewed renewed -> new Issued(renewed.accessToken(), renewed.claims(), rate, Optional.empty(),
                    Optional.empty(), renewed.refresh());
        };
    }

    /**
     * The per-address limit on presenting refresh tokens: the login limit's numbers, on a counter of its own, keyed
     * as logins are ({@link ClientKey}: an IPv6 client by its /64).
     */
    RateDecision limit(GatewayRequest request) {
        return limiter.acquire("refresh:ip:" + ClientKey.of(proxies.clientAddress(request.peer(), request.headers())),
                limit);
    }

    /** Spends {@code presented} for new tokens, or says why not (ending the family on reuse). */
    Renewal renew(String presented) {
        Instant now = clock.instant();
        Optional<RefreshTokenCodec.Presented> opened = refreshCodec.open(presented);
        if (opened.isEmpty()) {
            return refused("the refresh token is not valid", "refresh_token_invalid");
        }
        TokenId family = opened.get().family();
        RefreshTokenCodec.Minted next = refreshCodec.mint(family);
        Instant nextExpiresAt = now.plus(settings.ttl());
        return switch (store.rotate(family, opened.get().hash(), next.hash(), nextExpiresAt, now)) {
            case RefreshTokenStore.Rotated rotated -> renewed(rotated.before(),
                    Optional.of(new Grant(next.token(), earlier(nextExpiresAt, rotated.before().endsAt()))), now);
            case RefreshTokenStore.Refused refused -> refusal(refused.family(), opened.get().hash(), now);
        };
    }

    private Renewal refusal(Optional<RefreshFamily> stored, String presented, Instant now) {
        if (stored.isEmpty()) {
            return refused("the refresh token is not valid", "refresh_token_unknown");
        }
        RefreshFamily family = stored.get();
        Identity who = family.loginClaims().identity();
        if (family.endedAt().isPresent()) {
            return refused("the refresh token has been revoked", "refresh_token_revoked", who);
        }
        if (!now.isBefore(family.endsAt()) || family.current().equals(presented)) {
            return refused("the refresh token has expired", "refresh_token_expired", who);
        }
        // A zero interval makes every second presentation reuse, even one that began before the spending finished
        // (its clock read earlier than the spending's).
        boolean concurrent = !settings.reuseInterval().isZero()
                && family.previous().filter(presented::equals).isPresent() && family.rotatedAt()
                        .filter(at -> now.isBefore(at.plus(settings.reuseInterval()))).isPresent();
        if (concurrent) {
            return renewed(family, Optional.empty(), now);
        }
        revokeFamily(family.id(), now);
        return refused("this refresh token was already used: every token of this login is revoked; sign in again",
                REUSED, who);
    }

    private Renewal renewed(RefreshFamily family, Optional<Grant> refresh, Instant now) {
        if (revocations.isRevoked(family.loginClaims())) {
            store.end(family.id(), now);
            return refused("the refresh token has been revoked", "refresh_token_revoked",
                    family.loginClaims().identity());
        }
        Claims claims = new Claims(family.subject(), family.id(), now, earlier(now.plus(accessTtl), family.endsAt()),
                family.roles());
        tokenStats.issued(claims);
        return new Renewed(claims, accessCodec.mintAndEncode(claims), refresh);
    }

    /**
     * Revokes the family {@code id} names, if there is one, and every access token with that id: they expire
     * within the access token lifetime from now, or at {@code tokenExpiresAt} for a token minted otherwise.
     */
    void revoke(TokenId id, Instant tokenExpiresAt) {
        Instant now = clock.instant();
        revocations.revokeToken(id, later(tokenExpiresAt, now.plus(accessTtl)));
        store.end(id, now);
    }

    /** The family of {@code presented}, if it is a refresh token this gateway issued (its tag verifies). */
    Optional<TokenId> familyOf(String presented) {
        return refreshCodec.open(presented).map(RefreshTokenCodec.Presented::family);
    }

    private void revokeFamily(TokenId id, Instant now) {
        store.end(id, now);
        revocations.revokeToken(id, now.plus(accessTtl));
    }

    private static String presentedToken(GatewayRequest request) throws BadRequestException {
        String mediaType = request.mediaType();
        if (!mediaType.equals("application/json") && !mediaType.equals("application/x-www-form-urlencoded")) {
            throw new BadRequestException("unsupported_content_type",
                    "send {\"refresh_token\": \"…\"} as application/json or application/x-www-form-urlencoded");
        }
        byte[] body = Json.readBounded(request.body().get(), MAX_BODY_BYTES);
        Optional<String> token;
        if (mediaType.equals("application/json")) {
            JsonNode value = Json.parseObject(body).get("refresh_token");
            token = value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
        } else {
            List<Map.Entry<String, String>> pairs;
            try {
                pairs = FormBody.pairs(body);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("invalid_request", "the form body is not valid URL encoding");
            }
            Optional<String> grantType = pairs.stream().filter(p -> p.getKey().equals("grant_type"))
                    .map(Map.Entry::getValue).findFirst();
            if (grantType.isPresent() && !grantType.get().equals("refresh_token")) {
                throw new BadRequestException("unsupported_grant_type", "grant_type must be refresh_token");
            }
            token = pairs.stream().filter(p -> p.getKey().equals("refresh_token")).map(Map.Entry::getValue)
                    .findFirst();
        }
        if (token.isEmpty() || token.get().isEmpty()) {
            throw new BadRequestException("invalid_request", "refresh_token is required (a string)");
        }
        return token.get();
    }

    private static Refused refused(String message, String reason) {
        return new Refused(new Rejection(401, "invalid_refresh_token", message, reason, List.of()));
    }

    private static Refused refused(String message, String reason, Identity who) {
        return new Refused(refused(message, reason).rejection().about(who));
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
