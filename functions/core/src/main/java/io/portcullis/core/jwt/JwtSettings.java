package io.portcullis.core.jwt;

import io.portcullis.core.token.TokenType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code jwt} section of the configuration: how JWTs are verified and where they are found.
 *
 * @param issuer when present, the {@code iss} every token must carry
 * @param audiences when not empty, {@code aud} must name at least one of them
 * @param clockSkew tolerance on {@code exp}, {@code nbf} and {@code iat} for clocks that disagree (at most
 *     {@link #MAX_CLOCK_SKEW})
 * @param maxLifetime the furthest ahead an {@code exp} may lie; also how long revocations of JWTs are kept
 * @param keys keys from the config (HMAC secrets, PEM public keys), each bound to its algorithm
 * @param jwksUrl a JWKS document with more public keys, fetched lazily and cached
 * @param jwksRefresh a token naming an unknown {@code kid} refetches the document, at most once per this interval
 * @param jwksMaxAge a fetched document is fetched again, on use, once it is this old (keys removed there stop
 *     verifying); if that fetch fails the old keys stay in use, retried once per {@code jwksRefresh}
 * @param jwksTimeout deadline of one fetch
 * @param cookie the cookie a JWT may come in when there is no {@code Authorization: Bearer} header
 * @param cookieBase64 whether the cookie holds standard base64 of the JWT, optionally JSON-quoted inside
 *     (hyper-auth-proxy's form)
 * @param rolesClaim the claim holding the user's roles: an array of strings, or one space-separated string
 * @param defaultRouteToken the token type of routes that do not set {@code token}
 */
public record JwtSettings(
        Optional<String> issuer,
        List<String> audiences,
        Duration clockSkew,
        Duration maxLifetime,
        List<JwtKey> keys,
        Optional<URI> jwksUrl,
        Duration jwksRefresh,
        Duration jwksMaxAge,
        Duration jwksTimeout,
        Optional<String> cookie,
        boolean cookieBase64,
        String rolesClaim,
        TokenType defaultRouteToken) {

    /** Tink's cap: more skew than this hides real expiry problems. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(10);
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);

    public JwtSettings {
        audiences = List.copyOf(audiences);
        keys = List.copyOf(keys);
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("clock skew must be between 0 and " + MAX_CLOCK_SKEW.toMinutes()
                    + " minutes");
        }
    }

    /** No JWT verification configured: routes accept Portcullis tokens only. */
    public static JwtSettings none() {
        return new JwtSettings(Optional.empty(), List.of(), DEFAULT_CLOCK_SKEW, DEFAULT_MAX_LIFETIME, List.of(),
                Optional.empty(), Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofSeconds(5),
                Optional.empty(), false, "roles", TokenType.PORTCULLIS);
    }

    /** These settings with another {@code maxLifetime}. */
    public JwtSettings withMaxLifetime(Duration lifetime) {
        return new JwtSettings(issuer, audiences, clockSkew, lifetime, keys, jwksUrl, jwksRefresh, jwksMaxAge,
                jwksTimeout, cookie, cookieBase64, rolesClaim, defaultRouteToken);
    }

    /** Whether any key (configured or published) can verify a JWT. */
    public boolean enabled() {
        return !keys.isEmpty() || jwksUrl.isPresent();
    }
}
