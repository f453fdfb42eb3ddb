package io.portcullis.core.assertion;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.core.Header;
import io.portcullis.core.port.SigningKeyStore;
import io.portcullis.core.token.Identity;
import io.portcullis.core.token.SealedKeys;
import io.portcullis.core.token.TokenId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed identity assertions for backends (the {@code identity-assertions} section): on a route that asks for one,
 * the backend gets a JWT it can verify against the gateway's JWKS, so a request that did not come through the
 * gateway cannot claim an identity. Claims: {@code iss} the configured issuer, {@code aud} the route's prefix,
 * {@code sub}, {@code roles}, {@code jti} the token id, {@code iat}, and {@code exp} at most the configured lifetime
 * (60 s at most) later and never past the token's own expiry.
 *
 * <p>Signing costs a signature, so an assertion is reused for the same token and route while more than half of its
 * life is left, from a bounded cache; a new signing key (rotation) is used from the next assertion on.
 */
public final class IdentityAssertions {
    /** Assertions kept for reuse; beyond this the ones past reuse go, and if that is not enough, all. */
    static final int MAX_CACHED = 10_000;

    private record CacheKey(TokenId tokenId, String audience) {
    }

    private record Signed(String jwt, String keyId, Identity identity, Instant reuseUntil, Instant expiresAt) {
    }

    private final AssertionSettings settings;
    private final AssertionKeySource keys;
    private final Clock clock;
    private final Map<CacheKey, Signed> cache = new ConcurrentHashMap<>();

    private IdentityAssertions(AssertionSettings settings, AssertionKeySource keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Assertions under the configured keys, or, without any, under keys generated into {@code store} and sealed
     * under the token keys. {@code previous}, the assertions of the configuration this one replaces (a reload),
     * hands over its signing key to be published until its assertions have expired.
     */
    public static IdentityAssertions create(AssertionSettings settings, SigningKeyStore store, SealedKeys sealer,
            SecureRandom random, Optional<IdentityAssertions> previous, Clock clock) {
        if (settings.keys().isEmpty()) {
            return new IdentityAssertions(settings, new GeneratedAssertionKeys(store, sealer,
                    settings.keyRotation(), settings.lifetime(), random), clock);
        }
        Instant now = clock.instant();
        List<ConfiguredAssertionKeys.Retiring> retiring = previous
                .filter(p -> p.keys instanceof ConfiguredAssertionKeys)
                .map(p -> ((ConfiguredAssertionKeys) p.keys).retiringAfter(now,
                        now.plus(p.settings.lifetime()).plus(GeneratedAssertionKeys.MARGIN)))
                .orElse(List.of());
        return new IdentityAssertions(settings, new ConfiguredAssertionKeys(settings.keys(), retiring), clock);
    }

    /** The header name backends get the assertion in. */
    public String headerName() {
        return settings.header();
    }

    /** The assertion of {@code who} for the route with prefix {@code audience}: reused, or signed now. */
    public Header header(Identity who, String audience) {
        Instant now = clock.instant();
        AssertionKey key = keys.signingKey(now);
        CacheKey cacheKey = new CacheKey(who.tokenId(), audience);
        Signed cached = cache.get(cacheKey);
        if (cached != null && now.isBefore(cached.reuseUntil()) && !cached.expiresAt().isAfter(who.expiresAt())
                && cached.keyId().equals(key.keyId()) && cached.identity().subject().equals(who.subject())
                && cached.identity().roles().equals(who.roles())) {
            return new Header(settings.header(), cached.jwt());
        }
        Signed signed = sign(who, audience, key, now);
        if (cache.size() >= MAX_CACHED) {
            cache.values().removeIf(entry -> !now.isBefore(entry.reuseUntil()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(cacheKey, signed);
        return new Header(settings.header(), signed.jwt());
    }

    private Signed sign(Identity who, String audience, AssertionKey key, Instant now) {
        Instant issuedAt = Instant.ofEpochSecond(now.getEpochSecond());
        Instant byLifetime = issuedAt.plus(settings.lifetime());
        Instant expiresAt = byLifetime.isBefore(who.expiresAt()) ? byLifetime
                : Instant.ofEpochSecond(who.expiresAt().getEpochSecond());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(settings.issuer())
                .audience(audience)
                .subject(who.subject())
                .claim("roles", who.roles())
                .jwtID(who.tokenId().value())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.parse(key.algorithm().jwsName()))
                .keyID(key.keyId()).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing an identity assertion failed", e);
        }
        Duration half = Duration.between(now, expiresAt).dividedBy(2);
        return new Signed(jwt.serialize(), key.keyId(), who, now.plus(half), expiresAt);
    }

    /** {@code GET /.well-known/jwks.json}: the published public keys. */
    public byte[] jwks() {
        List<JWK> published = keys.published(clock.instant()).stream().map(AssertionKey::publicJwk).toList();
        return new JWKSet(published).toString(true).getBytes(StandardCharsets.UTF_8);
    }
}
