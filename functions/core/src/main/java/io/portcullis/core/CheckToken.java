package io.portcullis.core;

import io.portcullis.core.jwt.InvalidJwtException;
import io.portcullis.core.jwt.JwtVerifier;
import io.portcullis.core.jwt.VerifiedJwt;
import io.portcullis.core.net.Cookies;
import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.route.Route;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.InvalidTokenException;
import io.portcullis.core.token.TokenCodec;
import io.portcullis.core.token.TokenType;
import io.portcullis.core.token.VerifiedToken;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks the token of a request: parse, verify (a Portcullis token is opened under the key its key id names; a JWT
 * is verified under a key bound to its algorithm), expiry, revocation (the token's id and its user's cutoff), and,
 * for a route, whether the route admits the user.
 *
 * <p>Where the token is found: {@code Authorization: Bearer} first; when there is no bearer header, the browser
 * session cookie ({@code browser.cookie}) for Portcullis tokens, and the JWT cookie ({@code jwt.cookie}) for JWTs. A
 * route of type {@link TokenType#ANY} reads a bearer value with dots as a JWT and one without as a Portcullis token.
 */
public final class CheckToken {
    private final TokenCodec codec;
    private final Optional<JwtVerifier> jwts;
    private final Optional<TokenCookie> cookie;
    private final Optional<TokenCookie> sessionCookie;
    private final RevocationStore revocations;
    private final Clock clock;

    public CheckToken(TokenCodec codec, RevocationStore revocations, Clock clock) {
        this(codec, Optional.empty(), Optional.empty(), false, Optional.empty(), revocations, clock);
    }

    /**
     * @param jwts the JWT verifier, when the {@code jwt} section configures keys
     * @param cookie the cookie a JWT may come in
     * @param cookieBase64 whether that cookie holds base64 of the JWT (hyper-auth-proxy's form)
     * @param sessionCookie the browser session cookie's name, when browsers log in
     */
    public CheckToken(TokenCodec codec, Optional<JwtVerifier> jwts, Optional<String> cookie, boolean cookieBase64,
            Optional<String> sessionCookie, RevocationStore revocations, Clock clock) {
        this.codec = codec;
        this.jwts = jwts;
        this.cookie = cookie.map(name -> new TokenCookie(name, cookieBase64));
        this.sessionCookie = sessionCookie.map(name -> new TokenCookie(name, false));
        this.revocations = revocations;
        this.clock = clock;
    }

    /** Whether a token already admitted still would be: not expired, not revoked since. */
    public boolean stillValid(Claims claims) {
        return clock.instant().isBefore(claims.expiresAt()) && !revocations.isRevoked(claims);
    }

    /** Who is calling, by a Portcullis token: valid token → its claims; otherwise 401. */
    public AuthResult authenticate(RequestHeaders headers) {
        return authenticate(headers, TokenType.PORTCULLIS);
    }

    /** Who is calling, by a token of {@code type}: valid token → its claims; otherwise 401. */
    public AuthResult authenticate(RequestHeaders headers, TokenType type) {
        List<String> authorization = headers.all("Authorization");
        if (authorization.size() > 1) {
            return Rejection.invalidToken("send one Authorization header", "several_authorization_headers");
        }
        Optional<String> bearer = authorization.stream().findFirst().flatMap(CheckToken::bearerValue);
        if (bearer.isPresent()) {
            boolean jwt = type == TokenType.JWT || type == TokenType.ANY && bearer.get().indexOf('.') >= 0;
            return jwt ? jwt(bearer.get(), Authenticated.Carrier.BEARER)
                    : portcullis(bearer.get(), Authenticated.Carrier.BEARER);
        }
        try {
            if (type.acceptsPortcullis() && sessionCookie.isPresent()) {
                Optional<String> fromCookie = sessionCookie.get().find(headers);
                if (fromCookie.isPresent()) {
                    return portcullis(fromCookie.get(), Authenticated.Carrier.SESSION_COOKIE);
                }
            }
            if (type.acceptsJwt() && cookie.isPresent()) {
                Optional<String> fromCookie = cookie.get().find(headers);
                if (fromCookie.isPresent()) {
                    return jwt(fromCookie.get(), Authenticated.Carrier.JWT_COOKIE);
                }
            }
        } catch (TokenCookie.MalformedCookieException e) {
            return Rejection.invalidToken("the token cookie is malformed", "malformed_cookie");
        }
        if (!authorization.isEmpty()) {
            return Rejection.invalidToken("the Authorization header must be 'Bearer <token>'", "not_bearer");
        }
        return Rejection.missingToken();
    }

    /** Whether the caller may use {@code route}: 401 without a valid token, 403 when the route does not admit them. */
    public AuthResult authorize(RequestHeaders headers, Route route) {
        AuthResult result = authenticate(headers, route.tokenType());
        if (result instanceof Authenticated authenticated && !route.permits(authenticated.claims().identity())) {
            return Rejection.forbidden("this route does not admit you", "route_forbids_user");
        }
        return result;
    }

    /**
     * Whether a cookie (the browser session cookie or the JWT cookie), not a bearer header, is what authenticates
     * this request: then only this side can make the checks a cookie needs (CSRF token, Origin).
     */
    boolean cookieDecides(RequestHeaders headers) {
        if (headers.all("Authorization").stream().anyMatch(h -> bearerValue(h).isPresent())) {
            return false;
        }
        List<String> cookies = headers.all("Cookie");
        return sessionCookie.filter(c -> !Cookies.values(cookies, c.name()).isEmpty()).isPresent()
                || cookie.filter(c -> !Cookies.values(cookies, c.name()).isEmpty()).isPresent();
    }

    private static Optional<String> bearerValue(String header) {
        String value = header.strip();
        if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Optional.empty();
        }
        return Optional.of(value.substring(7).strip());
    }

    private AuthResult portcullis(String token, Authenticated.Carrier carrier) {
        try {
            VerifiedToken verified = codec.verifyAndDecode(token, clock.instant());
            return unlessRevoked(verified.claims(), Optional.empty(), carrier);
        } catch (InvalidTokenException e) {
            return e.reason() == InvalidTokenException.Reason.EXPIRED
                    ? Rejection.invalidToken("the token has expired", "expired")
                    : Rejection.invalidToken("the token is not valid", e.reason().name().toLowerCase(Locale.ROOT));
        }
    }

    private AuthResult jwt(String token, Authenticated.Carrier carrier) {
        if (jwts.isEmpty()) {
            return Rejection.invalidToken("the token is not valid", "jwt_not_configured");
        }
        try {
            VerifiedJwt verified = jwts.get().verifyAndDecode(token, clock.instant());
            return unlessRevoked(verified.claims(), Optional.of(verified), carrier);
        } catch (InvalidJwtException e) {
            String reason = "jwt_" + e.reason().name().toLowerCase(Locale.ROOT);
            return e.reason() == InvalidJwtException.Reason.EXPIRED
                    ? Rejection.invalidToken("the token has expired", reason)
                    : Rejection.invalidToken("the token is not valid", reason);
        }
    }

    private AuthResult unlessRevoked(Claims claims, Optional<VerifiedJwt> jwt, Authenticated.Carrier carrier) {
        if (revocations.isRevoked(claims)) {
            return Rejection.invalidToken("the token has been revoked", "revoked");
        }
        return new Authenticated(claims, jwt, carrier);
    }
}
