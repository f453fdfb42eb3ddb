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
 * <p>Only canonical base64url is read: no padding, nothing outside the alphabet, no stray bits in a last character.
 * Decoders skip what they do not need, so one signed token could otherwise be written many ways.
 *
 * <p>Identity: {@code sub} is the user (1 to 128 visible ASCII characters: it travels in a header), roles come from
 * the configured claim, and the token id is derived: the first 128 bits of SHA-256 over the issuer and
 * {@code jti} when the token has a {@code jti}, else over the signed content (header and payload), never the
 * signature: ECDSA signatures are malleable ({@code (r, n−s)} verifies too), and a revoked token must not come back
 * under another id. A token without {@code iat} counts as issued at the epoch, so a user's revocation cutoff always
 * covers it.
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
        return new VerifiedJwt(toClaims(jwt, claims), claims,
                claims.getExpirationTime().toInstant().plus(settings.clockSkew()));
    }

    private static SignedJWT parse(String token) throws InvalidJwtException {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            throw new InvalidJwtException(Reason.MALFORMED, "empty or too long");
        }
        if (!isCanonicalBase64UrlParts(token)) {
            throw new InvalidJwtException(Reason.MALFORMED, "not canonical base64url");
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

    /**
     * Whether every dot-separated part is canonical base64url without padding (RFC 7515 §2, RFC 4648 §3.5): only
     * the alphabet, no length that leaves a lone character, and zero in the bits a last character does not fill.
     */
    static boolean isCanonicalBase64UrlParts(String token) {
        int start = 0;
        while (start <= token.length()) {
            int end = token.indexOf('.', start);
            if (end < 0) {
                end = token.length();
            }
            if (!isCanonicalBase64Url(token, start, end)) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }

    private static boolean isCanonicalBase64Url(String text, int start, int end) {
        int length = end - start;
        if (length % 4 == 1) {
            return false;
        }
        int last = 0;
        for (int i = start; i < end; i++) {
            last = base64UrlValue(text.charAt(i));
            if (last < 0) {
                return false;
            }
        }
        return switch (length % 4) {
            case 2 -> (last & 0x0f) == 0;
            case 3 -> (last & 0x03) == 0;
            default -> true;
        };
    }

    private static int base64UrlValue(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : c == '_' ? 63 : -1;
    }

    private Claims toClaims(SignedJWT token, JWTClaimsSet claims) throws InvalidJwtException {
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

    private static TokenId tokenId(SignedJWT token, JWTClaimsSet claims) {
        String material = claims.getJWTID() != null && !claims.getJWTID().isEmpty()
                ? "jti\0" + (claims.getIssuer() == null ? "" : claims.getIssuer()) + "\0" + claims.getJWTID()
                : "jwt\0" + new String(token.getSigningInput(), StandardCharsets.US_ASCII);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return new TokenId(HEX.formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
