package io.portcullis.core.jwt;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.core.jwt.InvalidJwtException.Reason;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Verifies JWTs (JWS compact serialization) and turns them into the same {@link Claims} a Portcullis token gives.
 *
 * <p>Security guarantees: the signature must verify under a configured or published key bound to the token's
 * {@code alg} (so {@code none} and algorithm confusion are impossible by construction); {@code exp} is required
 * and checked, as are {@code nbf} and {@code iat} when present, each with the configured skew (expiring exactly
 * at {@code now + skew} is rejected; not-before exactly at {@code now + skew} is accepted); {@code iss} and
 * {@code aud} are checked when configured; failures throw {@link InvalidJwtException} and never echo the token.
 *
 * <p>Identity: {@code sub} is the user (1 to 128 visible ASCII characters: it travels in a header), roles come from
 * the configured claim, and the token id is derived: the first 128 bits of SHA-256 over the issuer and
 * {@code jti} when the token has a {@code jti}, else over the token itself. A token without {@code iat} counts as
 * issued at the epoch, so a user's revocation cutoff always covers it.
 */
public final class JwtVerifier {
    /** Longest token looked at. */
    public static final int MAX_LENGTH = 8192;

    private static final Pattern SUBJECT = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final int MAX_ROLES = 64;
    private static final HexFormat HEX = HexFormat.of();

    private final JwtSettings settings;
    private final Optional<JwksKeys> published;

    public JwtVerifier(JwtSettings settings, Optional<JwksKeys> published) {
        this.settings = settings;
        this.published = published;
    }

    /**
     * Verifies {@code token} at {@code now}.
     *
     * @throws InvalidJwtException with the reason the token is refused
     * @throws io.portcullis.core.StoreUnavailableException when the JWKS is needed and cannot be had
     */
    public VerifiedJwt verifyAndDecode(String token, Instant now) throws InvalidJwtException {
        SignedJWT jwt = parse(token);
        JWSHeader header = jwt.getHeader();
        JwtAlgorithm algorithm = JwtAlgorithm.named(header.getAlgorithm().getName())
                .orElseThrow(() -> new InvalidJwtException(Reason.ALGORITHM_NOT_ALLOWED, "algorithm not allowed"));
        Optional<String> keyId = Optional.ofNullable(header.getKeyID()).filter(id -> !id.isEmpty());
        List<JwtKey> candidates = candidates(keyId, algorithm);
        if (candidates.isEmpty()) {
            throw new InvalidJwtException(Reason.UNKNOWN_KEY, "no key for this kid and alg");
        }
        if (candidates.stream().noneMatch(key -> key.verifies(jwt))) {
            throw new InvalidJwtException(Reason.BAD_SIGNATURE, "signature does not verify");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidJwtException(Reason.MALFORMED, "unreadable claims");
        }
        checkTimes(claims, now);
        checkIssuerAndAudience(claims);
        return new VerifiedJwt(toClaims(token, claims), claims);
    }

    private static SignedJWT parse(String token) throws InvalidJwtException {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            throw new InvalidJwtException(Reason.MALFORMED, "empty or too long");
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new InvalidJwtException(Reason.MALFORMED, "not a JWT");
        }
        return switch (parsed) {
            case SignedJWT signed -> signed;
            case PlainJWT unsigned -> throw new InvalidJwtException(Reason.UNSECURED, "unsecured JWT (alg none)");
            default -> throw new InvalidJwtException(Reason.ALGORITHM_NOT_ALLOWED, "encrypted JWTs are not accepted");
        };
    }

    private List<JwtKey> candidates(Optional<String> keyId, JwtAlgorithm algorithm) {
        List<JwtKey> keys = new ArrayList<>();
        settings.keys().stream().filter(key -> key.accepts(keyId, algorithm)).forEach(keys::add);
        if (published.isPresent() && !algorithm.isHmac()) {
            // A configured key named by the token's kid is enough: the JWKS is not consulted (or fetched) for it.
            boolean named = keyId.isPresent() && keys.stream().anyMatch(key -> key.keyId().equals(keyId));
            if (!named) {
                published.get().keys(keyId).stream().filter(key -> key.accepts(keyId, algorithm)).forEach(keys::add);
            }
        }
        return keys;
    }

    private void checkTimes(JWTClaimsSet claims, Instant now) throws InvalidJwtException {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new InvalidJwtException(Reason.NO_EXPIRY, "no exp claim");
        }
        Instant expiresAt = exp.toInstant();
        if (!now.isBefore(expiresAt.plus(settings.clockSkew()))) {
            throw new InvalidJwtException(Reason.EXPIRED, "expired");
        }
        if (expiresAt.isAfter(now.plus(settings.maxLifetime()).plus(settings.clockSkew()))) {
            throw new InvalidJwtException(Reason.LIFETIME_TOO_LONG, "exp too far ahead");
        }
        Instant latestStart = now.plus(settings.clockSkew());
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(latestStart)
                || claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(latestStart)) {
            throw new InvalidJwtException(Reason.NOT_YET_VALID, "not valid yet");
        }
    }

    private void checkIssuerAndAudience(JWTClaimsSet claims) throws InvalidJwtException {
        if (settings.issuer().isPresent() && !settings.issuer().get().equals(claims.getIssuer())) {
            throw new InvalidJwtException(Reason.WRONG_ISSUER, "wrong issuer");
        }
        if (!settings.audiences().isEmpty()
                && claims.getAudience().stream().noneMatch(settings.audiences()::contains)) {
            throw new InvalidJwtException(Reason.WRONG_AUDIENCE, "wrong audience");
        }
    }

    private Claims toClaims(String token, JWTClaimsSet claims) throws InvalidJwtException {
        String subject = claims.getSubject();
        if (subject == null || !SUBJECT.matcher(subject).matches()) {
            throw new InvalidJwtException(Reason.BAD_SUBJECT, "sub missing or not 1 to 128 visible ASCII characters");
        }
        Instant issuedAt = claims.getIssueTime() != null ? claims.getIssueTime().toInstant() : Instant.EPOCH;
        try {
            return new Claims(subject, tokenId(token, claims), issuedAt, claims.getExpirationTime().toInstant(),
                    roles(claims.getClaim(settings.rolesClaim())));
        } catch (IllegalArgumentException e) {
            throw new InvalidJwtException(Reason.MALFORMED, "claims out of range");
        }
    }

    /**
     * Roles from an array of strings or a space-separated string (as OAuth's {@code scope}). Values that are not
     * role names are left out: roles only ever admit, so dropping one can only narrow access.
     */
    private static List<String> roles(Object claim) {
        Collection<?> values = switch (claim) {
            case null -> List.of();
            case String text -> List.of(text.trim().split("\\s+"));
            case Collection<?> list -> list;
            default -> List.of();
        };
        return values.stream()
                .filter(value -> value instanceof String text && ROLE.matcher(text).matches())
                .map(String.class::cast)
                .distinct()
                .limit(MAX_ROLES)
                .toList();
    }

    private static TokenId tokenId(String token, JWTClaimsSet claims) {
        String material = claims.getJWTID() != null && !claims.getJWTID().isEmpty()
                ? "jti\0" + (claims.getIssuer() == null ? "" : claims.getIssuer()) + "\0" + claims.getJWTID()
                : "jwt\0" + token;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return new TokenId(HEX.formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
