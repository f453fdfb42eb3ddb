package io.portcullis.core;

import io.portcullis.core.config.GatewayConfig.Browser;
import io.portcullis.core.token.CsrfTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 */
final class BrowserSessions {
    private final Browser settings;
    private final CsrfTokens csrfTokens;
    private final RevokeTokens revokeTokens;
    private final Clock clock;

    BrowserSessions(Browser settings, CsrfTokens csrfTokens, RevokeTokens revokeTokens, Clock clock) {
        this.settings = settings;
        this.csrfTokens = csrfTokens;
        this.revokeTokens = revokeTokens;
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
        revokeTokens.logout(request);
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("Set-Cookie", cleared(settings.cookie(), true)));
        headers.add(new Header("Set-Cookie", cleared(settings.csrfCookie(), false)));
        GatewayResponse response = settings.logoutRedirect().map(page -> redirect(page, headers))
                .orElseGet(() -> {
                    headers.add(new Header("Cache-Control", "no-store"));
                    return new GatewayResponse(204, headers, new byte[0]);
                });
        return () -> response;
    }

    private GatewayResponse started(Issued issued) {
        long remaining = Duration.between(clock.instant(), issued.claims().expiresAt()).toSeconds();
        long maxAge = Math.max(1, Math.min(settings.maxAge().toSeconds(), remaining));
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("Set-Cookie", cookie(settings.cookie(), issued.token(), maxAge, true)));
        headers.add(new Header("Set-Cookie", cookie(settings.csrfCookie(),
                csrfTokens.issue(issued.claims().tokenId()), maxAge, false)));
        headers.addAll(RateLimitHeaders.of(issued.rate()));
        return redirect(issued.redirect().orElse(settings.loginRedirect()), headers);
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
