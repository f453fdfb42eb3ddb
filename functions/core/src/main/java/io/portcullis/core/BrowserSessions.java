package io.portcullis.core;

import io.portcullis.core.config.GatewayConfig.Browser;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.net.AcceptHeader;
import io.portcullis.core.net.Cookies;
import io.portcullis.core.net.LocalPath;
import io.portcullis.core.page.PagePaths;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.CsrfTokens;
import io.portcullis.core.token.LoginTickets;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Logins and logouts of browsers (the {@code browser} section). A form login
 * ({@code application/x-www-form-urlencoded}) is a browser's: on success the token is set as an
 * {@code HttpOnly; Secure; SameSite=Strict} cookie, the session's CSRF token as a second cookie that pages may read
 * (it is useless without the first), and the browser is sent (303) to {@code redirect} or
 * {@code browser.login-redirect}, both paths on this site. A JSON login is a program's and gets the JSON token as
 * always.
 *
 * <p>A failed form login goes to {@code browser.login-error-redirect?error=<code>} when one is configured; else a
 * browser (its {@code Accept} prefers HTML) goes back to the sign-in page with the code, and anything else gets the
 * JSON refusal. {@code redirect} is passed along, so it survives every step.
 *
 * <p>Two steps, for a user with a second factor signing in on the page: the password step, answered
 * {@code totp_required}, leaves a short-lived login ticket in an {@code HttpOnly} cookie ({@link LoginTickets}) and
 * sends the browser to the page's code step, whose form posts only {@code totp_code}: the password is neither sent
 * again nor kept in the page.
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
    private final LoginTickets tickets;
    private final IssueToken issueToken;
    private final RevokeTokens revokeTokens;
    private final Optional<RefreshTokens> refreshTokens;
    private final Clock clock;

    BrowserSessions(Browser settings, CsrfTokens csrfTokens, LoginTickets tickets, IssueToken issueToken,
            RevokeTokens revokeTokens, Optional<RefreshTokens> refreshTokens, Clock clock) {
        this.settings = settings;
        this.csrfTokens = csrfTokens;
        this.tickets = tickets;
        this.issueToken = issueToken;
        this.revokeTokens = revokeTokens;
        this.refreshTokens = refreshTokens;
        this.clock = clock;
    }

    /** Whether the browser marks {@code request} as coming from a page of another site. */
    static boolean crossSite(GatewayRequest request) {
        return request.headers().first("Sec-Fetch-Site").map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter("cross-site"::equals).isPresent();
    }

    /** {@code POST /auth}: a program's login as it is; a browser's form login, in one step or two, with cookies. */
    Reply login(GatewayRequest request) {
        if (!request.isForm()) {
            return issueToken.issue(request);
        }
        Form form = Form.EMPTY;
        LoginResult result;
        if (crossSite(request)) {
            result = Rejection.forbidden("logins from another site are refused", "cross_site_login");
        } else {
            try {
                byte[] body = Json.readBounded(request.body().get(), Credentials.MAX_BODY_BYTES);
                form = Form.parse(body);
                result = form.codeStep() ? codeStep(request, form) : issueToken.issue(withBody(request, body));
            } catch (BadRequestException e) {
                result = e.rejection();
            }
        }
        Optional<String> ticket = ticketCookie(request);
        return new BrowserAnswer(result, switch (result) {
            case Issued issued -> started(issued, ticket.isPresent());
            case Rejection rejection -> refused(request, rejection, form);
        });
    }

    /** The code step: the ticket names the user whose password was right, the form brings the code. */
    private LoginResult codeStep(GatewayRequest request, Form form) throws BadRequestException {
        Optional<String> user = ticketCookie(request).flatMap(ticket -> tickets.verify(ticket, clock.instant()));
        if (user.isEmpty()) {
            return new Rejection(401, "sign_in_expired", "this sign-in's first step has expired; sign in again",
                    "login_ticket_invalid", List.of());
        }
        Optional<String> redirect = form.redirect();
        if (redirect.isPresent() && !LocalPath.isLocal(redirect.get())) {
            throw new BadRequestException("invalid_redirect", "redirect must be a path on this site (/…)");
        }
        Optional<String> code = Optional.ofNullable(form.fields.get("totp_code")).map(String::strip)
                .filter(text -> !text.isEmpty());
        if (code.filter(text -> text.length() > 16).isPresent()) {
            throw new BadRequestException("invalid_request", "totp_code too long");
        }
        return issueToken.issueWithCode(request, user.get(), code, redirect);
    }

    private GatewayResponse refused(GatewayRequest request, Rejection rejection, Form form) {
        List<Header> headers = new ArrayList<>(rejection.headers());
        String back = form.redirect().filter(LocalPath::isLocal).map(r -> "&redirect=" + encode(r)).orElse("");
        if (settings.loginErrorRedirect().isPresent()) {
            return PageWriter.seeOther(settings.loginErrorRedirect().get() + "?error=" + encode(rejection.error())
                    + back, headers);
        }
        if (!AcceptHeader.prefersHtml(request.headers().all("Accept"))) {
            return rejection.toResponse();
        }
        if (rejection.error().equals("totp_required") && !form.codeStep() && form.fields.containsKey("username")) {
            headers.add(new Header("Set-Cookie", cookie(settings.loginTicketCookie(),
                    tickets.issue(form.fields.get("username"), clock.instant()),
                    LoginTickets.LIFETIME.toSeconds(), true)));
            return PageWriter.seeOther(settings.pages().loginPage() + "?step=code" + back, headers);
        }
        boolean stayOnCode = form.codeStep() && !rejection.error().equals("sign_in_expired");
        return PageWriter.seeOther(settings.pages().loginPage() + "?error=" + encode(rejection.error())
                + (stayOnCode ? "&step=code" : "") + back, headers);
    }

    /**
     * {@code GET} or {@code POST /logout}: revokes the session's token (from the cookie or a bearer header)
     * server-side, clears the cookies, and sends the browser to {@code browser.logout-redirect} (303); without
     * one, a browser goes to the signed-out page and anything else gets 204. A missing or invalid token is no
     * reason to refuse a logout.
     */
    Reply logout(GatewayRequest request) {
        revokeTokens.logout(request);
        refreshCookie(request).ifPresent(revokeTokens::revokeFamilyOf);
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("Set-Cookie", cleared(settings.cookie(), true)));
        headers.add(new Header("Set-Cookie", cleared(settings.csrfCookie(), false)));
        if (refreshTokens.isPresent()) {
            headers.add(new Header("Set-Cookie", cleared(settings.refreshCookie(), true)));
        }
        if (ticketCookie(request).isPresent()) {
            headers.add(new Header("Set-Cookie", cleared(settings.loginTicketCookie(), true)));
        }
        Optional<String> next = settings.logoutRedirect().or(() -> AcceptHeader.prefersHtml(
                request.headers().all("Accept")) ? Optional.of(PagePaths.SIGNED_OUT) : Optional.empty());
        GatewayResponse response = next.map(page -> PageWriter.seeOther(page, headers)).orElseGet(() -> {
            headers.add(new Header("Cache-Control", "no-store"));
            return new GatewayResponse(204, headers, new byte[0]);
        });
        return () -> response;
    }

    private GatewayResponse started(Issued issued, boolean hadTicket) {
        List<Header> headers = sessionCookies(issued.claims(), issued.token(), issued.refresh());
        if (hadTicket) {
            headers.add(new Header("Set-Cookie", cleared(settings.loginTicketCookie(), true)));
        }
        headers.addAll(RateLimitHeaders.of(issued.rate()));
        return PageWriter.seeOther(issued.redirect().orElse(settings.loginRedirect()), headers);
    }

    private Optional<String> ticketCookie(GatewayRequest request) {
        List<String> values = Cookies.values(request.headers().all("Cookie"), settings.loginTicketCookie());
        return values.size() == 1 ? Optional.of(values.getFirst()) : Optional.empty();
    }

    private static GatewayRequest withBody(GatewayRequest request, byte[] body) {
        return new GatewayRequest(request.method(), request.rawPath(), request.rawQuery(), request.headers(),
                request.peer(), request.secure(), () -> new ByteArrayInputStream(body));
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

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** {@code __Host-} names need exactly these attributes: Secure, Path=/, no Domain. */
    private static String cookie(String name, String value, long maxAgeSeconds, boolean httpOnly) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + (httpOnly ? "; HttpOnly" : "")
                + "; Secure; SameSite=Strict";
    }

    private static String cleared(String name, boolean httpOnly) {
        return cookie(name, "", 0, httpOnly);
    }

    /** A login form's fields, the first value of each; a body that is not valid URL encoding has none. */
    private record Form(Map<String, String> fields) {
        static final Form EMPTY = new Form(Map.of());

        static Form parse(byte[] body) {
            Map<String, String> fields = new HashMap<>();
            try {
                FormBody.pairs(body).forEach(pair -> fields.putIfAbsent(pair.getKey(), pair.getValue()));
            } catch (IllegalArgumentException malformed) {
                return EMPTY;
            }
            return new Form(fields);
        }

        /** The page's code step posts a code and no password. */
        boolean codeStep() {
            return !fields.containsKey("password") && fields.containsKey("totp_code");
        }

        Optional<String> redirect() {
            return Optional.ofNullable(fields.get("redirect")).filter(r -> !r.isEmpty());
        }
    }
}
