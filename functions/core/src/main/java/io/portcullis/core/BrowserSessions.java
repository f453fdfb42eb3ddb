package io.portcullis.core;

import io.portcullis.core.config.GatewayConfig.Browser;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.net.Cookies;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.CsrfTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Logins and logouts of browsers (the {@code browser} section). A form login
 * ({@code application/x-www-form-urlencoded})
 * is a browser's: on success the token is set as an {@code HttpOnly; Secure; SameSite=Strict} cookie, the session's
 * CSRF token as a second cookie that pages may read (it is useless without the first), and the browser is sent
 * (303) to {@code redirect} or {@code browser.login-redirect}, both paths on this site. On failure it is sent to
 * {@code browser.login-error-redirect?error=<code>}, or gets the JSON refusal when none is configured. A JSON login
 * is a program's and gets the JSON token as always.
 *
 * <p>A form post that the browser marks {@code Sec-Fetch-Site: cross-site} is refused: another site must not log
 * a visitor into an account of its choosing (login CSRF).
 *
 * <p>With refresh tokens on, a login also sets the refresh token as a third cookie ({@code <cookie>-refresh},
 * {@code HttpOnly} like the session cookie: no script reads it), and the session renews itself: a request to a
 * secure route whose session cookie is gone or expired, but that carries the refresh cookie, is answered 307 to
 * the same path with new cookies, and the browser repeats it. The session's token id, and so its CSRF token, stay
 * the same across renewals. The session slides up to the absolute lifetime of its refresh-token family.
 */
final class BrowserSessions {
    private final Browser settings;
    private final CsrfTokens csrfTokens;
    private final RevokeTokens revokeTokens;
    private final Optional<RefreshTokens> refreshTokens;
    private final Clock clock;

    BrowserSessions(Browser settings, CsrfTokens csrfTokens, RevokeTokens revokeTokens,
            Optional<RefreshTokens> refreshTokens, Clock clock) {
        this.settings = settings;
        this.csrfTokens = csrfTokens;
        this.revokeTokens = revokeTokens;
        this.refreshTokens = refreshTokens;
        this.clock = clock;
    }

    /** {@code POST /auth}: {@code login} runs unless the request is a cross-site form post; browsers get cookies. */
    Reply login(GatewayRequest request, Supplier<LoginResult> login) {
        if (!request.isForm()) {
            return login.get();
        }
        LoginResult result = request.headers().first("Sec-Fetch-Site").map(s -> s.toLowerCase(Locale.ROOT))
                .filter("cross-site"::equals).isPresent()
                ? Rejection.forbidden("logins from another site are refused", "cross_site_login")
                : login.get();
        return new BrowserAnswer(result, switch (result) {
            case Issued issued -> started(issued);
            case Rejection rejection -> settings.loginErrorRedirect()
                    .map(page -> redirect(page + "?error=" + URLEncoder.encode(rejection.error(),
                            StandardCharsets.UTF_8), new ArrayList<>(rejection.headers())))
                    .orElseGet(rejection::toResponse);
        });
    }

    /**
     * {@code GET} or {@code POST /logout}: revokes the session's token (from the cookie or a bearer header)
     * server-side, clears both cookies, and sends the browser to {@code browser.logout-redirect} (303), or answers
     * 204. A missing or invalid token is no reason to refuse a logout.
     */
    Reply logout(GatewayRequest request) {
        revokeTokens.revokeOwn(request);
        refreshCookie(request).ifPresent(revokeTokens::revokeFamilyOf);
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("Set-Cookie", cleared(settings.cookie(), true)));
        headers.add(new Header("Set-Cookie", cleared(settings.csrfCookie(), false)));
        if (refreshTokens.isPresent()) {
            headers.add(new Header("Set-Cookie", cleared(settings.refreshCookie(), true)));
        }
        GatewayResponse response = settings.logoutRedirect().map(page -> redirect(page, headers))
                .orElseGet(() -> {
                    headers.add(new Header("Cache-Control", "no-store"));
                    return new GatewayResponse(204, headers, new byte[0]);
                });
        return () -> response;
    }

    private GatewayResponse started(Issued issued) {
        List<Header> headers = sessionCookies(issued.claims(), issued.token(), issued.refresh());
        headers.addAll(RateLimitHeaders.of(issued.rate()));
        return redirect(issued.redirect().orElse(settings.loginRedirect()), headers);
    }

    /**
     * A request to a secure route that its session cookie did not admit (absent, expired), from a browser holding
     * the refresh cookie: renewed, a 307 back to the same place with the new cookies; or, when the refresh token is
     * refused (expired, revoked, reused), that refusal with the refresh cookie cleared. Empty when this is not such
     * a request: a bearer header (a program's), no refresh cookie or several of them (a planted one: no guessing),
     * or a WebSocket handshake (which cannot follow a redirect, nor deliver cookies on its 101).
     *
     * @param location the canonical path (a single leading slash: no redirect off this site) and the raw query
     */
    Optional<Rejection> renewal(GatewayRequest request, String location) {
        boolean webSocket = request.headers().all("Upgrade").stream()
                .anyMatch(upgrade -> upgrade.toLowerCase(Locale.ROOT).contains("websocket"));
        if (refreshTokens.isEmpty() || !request.headers().all("Authorization").isEmpty() || webSocket) {
            return Optional.empty();
        }
        Optional<String> presented = refreshCookie(request);
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        RateDecision rate = refreshTokens.get().limit(request);
        if (!rate.allowed()) {
            return Optional.of(Rejection.rateLimited(rate));
        }
        return Optional.of(switch (refreshTokens.get().renew(presented.get())) {
            case RefreshTokens.Refused refused -> refused.rejection().withHeaders(List.of(
                    new Header("Set-Cookie", cleared(settings.refreshCookie(), true)),
                    new Header("WWW-Authenticate", "Bearer realm=\"portcullis\", error=\"invalid_token\"")));
            case RefreshTokens.Renewed renewed -> {
                List<Header> headers = sessionCookies(renewed.claims(), renewed.accessToken(), renewed.refresh());
                headers.add(new Header("Location", location));
                yield new Rejection(307, "session_renewed", "the session was renewed: repeat the request with "
                        + "its new cookie", "session_renewed", headers).about(renewed.claims().identity());
            }
        });
    }

    /**
     * {@code POST /auth/refresh} from a page: with the refresh cookie and no body, the session is renewed (204 and
     * new cookies) before it lapses; anything else is a program's refresh, answered in JSON by {@code programs}.
     */
    Reply refresh(GatewayRequest request, Supplier<Reply> programs) {
        Optional<String> presented = refreshCookie(request);
        boolean noBody = request.headers().first("Content-Length").filter(length -> !length.strip().equals("0"))
                .isEmpty() && request.headers().first("Transfer-Encoding").isEmpty();
        if (presented.isEmpty() || !noBody || refreshTokens.isEmpty()) {
            return programs.get();
        }
        RateDecision rate = refreshTokens.get().limit(request);
        if (!rate.allowed()) {
            return Rejection.rateLimited(rate);
        }
        return switch (refreshTokens.get().renew(presented.get())) {
            case RefreshTokens.Refused refused -> refused.rejection().withHeaders(List.of(
                    new Header("Set-Cookie", cleared(settings.refreshCookie(), true))));
            case RefreshTokens.Renewed renewed -> {
                List<Header> headers = sessionCookies(renewed.claims(), renewed.accessToken(), renewed.refresh());
                headers.add(new Header("Cache-Control", "no-store"));
                GatewayResponse response = new GatewayResponse(204, headers, new byte[0]);
                yield new BrowserAnswer(new Issued(renewed.accessToken(), renewed.claims(), rate, Optional.empty(),
                        Optional.empty(), renewed.refresh()), response);
            }
        };
    }

    /**
     * The session cookie (as long as its token, at most {@code browser.max-age}), the CSRF cookie, and with a
     * refresh token its cookie; the CSRF cookie then lives as long as the refresh cookie, so that a page keeps its
     * CSRF token across renewals (the token id, which it is bound to, does not change).
     */
    private List<Header> sessionCookies(Claims claims, String token, Optional<RefreshTokens.Grant> refresh) {
        Instant now = clock.instant();
        long remaining = Duration.between(now, claims.expiresAt()).toSeconds();
        long maxAge = Math.max(1, Math.min(settings.maxAge().toSeconds(), remaining));
        long refreshMaxAge = refresh.map(grant -> Math.max(1, Duration.between(now, grant.expiresAt()).toSeconds()))
                .orElse(maxAge);
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("Set-Cookie", cookie(settings.cookie(), token, maxAge, true)));
        headers.add(new Header("Set-Cookie", cookie(settings.csrfCookie(), csrfTokens.issue(claims.tokenId()),
                refreshMaxAge, false)));
        refresh.ifPresent(grant -> headers.add(new Header("Set-Cookie", cookie(settings.refreshCookie(),
                grant.token(), refreshMaxAge, true))));
        return headers;
    }

    /** The refresh cookie's value, when refresh tokens are on and the request has exactly one. */
    private Optional<String> refreshCookie(GatewayRequest request) {
        if (refreshTokens.isEmpty()) {
            return Optional.empty();
        }
        List<String> values = Cookies.values(request.headers().all("Cookie"), settings.refreshCookie());
        return values.size() == 1 ? Optional.of(values.getFirst()) : Optional.empty();
    }

    private static GatewayResponse redirect(String location, List<Header> headers) {
        headers.add(new Header("Location", location));
        headers.add(new Header("Cache-Control", "no-store"));
        return new GatewayResponse(303, headers, new byte[0]);
    }

    /** {@code __Host-} names need exactly these attributes: Secure, Path=/, no Domain. */
    private static String cookie(String name, String value, long maxAgeSeconds, boolean httpOnly) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + (httpOnly ? "; HttpOnly" : "")
                + "; Secure; SameSite=Strict";
    }

    private static String cleared(String name, boolean httpOnly) {
        return cookie(name, "", 0, httpOnly);
    }

}
