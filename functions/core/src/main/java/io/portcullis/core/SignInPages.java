package io.portcullis.core;

import io.portcullis.core.net.Cookies;
import io.portcullis.core.net.LocalPath;
import io.portcullis.core.page.PagePaths;
import io.portcullis.core.token.LoginTickets;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's pages for browsers (the {@code browser} section): the sign-in page ({@code browser.login-page}),
 * the signed-out page, the second-factor page ({@link SecondFactorPage}) and their files. They work without
 * JavaScript: each step is a form that posts to the gateway, which answers with a redirect back to a page.
 *
 * <p>The sign-in page reads its query: {@code redirect} (a path on this site, carried through every step and
 * anything else dropped), {@code error} (a code a failed form login produced, shown as a sentence from a fixed
 * list: nothing from the query is ever echoed but {@code redirect}) and {@code step=code} (the second step, shown
 * only while the login ticket of the first is valid).
 */
final class SignInPages {
    /** The messages the sign-in page shows for the error codes a form login produces. */
    private static final Map<String, String> SIGN_IN_ERRORS = Map.ofEntries(
            Map.entry("invalid_credentials", "The username or password is not right."),
            Map.entry("totp_not_enrolled", "This account needs two-step verification, and none is set up for it. "
                    + "Ask an administrator."),
            Map.entry("rate_limited", "Too many attempts. Wait a minute, then try again."),
            Map.entry("TooManyRequests", "Too many attempts. Wait a minute, then try again."),
            Map.entry("forbidden", "This sign-in was refused. Sign in from this page."),
            Map.entry("sign_in_expired", "That took too long. Sign in again."),
            Map.entry("overloaded", "Signing in is not possible right now. Try again in a moment."),
            Map.entry("unavailable", "Signing in is not possible right now. Try again in a moment."),
            Map.entry("totp_required", "Enter the one-time code too."));
    private static final Map<String, String> CODE_ERRORS = Map.of(
            "invalid_credentials", "That code is not right, or it was used already. Wait for the next one, then "
                    + "try again.",
            "totp_required", "Enter the code your app shows.");
    private static final String UNKNOWN_ERROR = "Signing in did not work. Try again.";
    private static final Set<String> SAFE = Set.of("GET", "HEAD");

    private final String ticketCookie;
    private final PageWriter writer;
    private final LoginTickets tickets;
    private final SecondFactorPage secondFactor;
    private final Clock clock;

    SignInPages(String ticketCookie, PageWriter writer, LoginTickets tickets, SecondFactorPage secondFactor,
            Clock clock) {
        this.ticketCookie = ticketCookie;
        this.writer = writer;
        this.tickets = tickets;
        this.secondFactor = secondFactor;
        this.clock = clock;
    }

    /** The page or file at the request's path; empty for any other path. */
    Optional<Reply> answer(GatewayRequest request) {
        String path = request.rawPath();
        if (path.equals(writer.loginPage())) {
            return Optional.of(onlySafe(request, () -> signIn(request)));
        }
        if (!path.startsWith("/auth/")) {
            return Optional.empty();
        }
        return switch (path) {
            case PagePaths.SIGNED_OUT -> Optional.of(onlySafe(request, this::signedOut));
            case PagePaths.SECOND_FACTOR -> Optional.of(secondFactor.answer(request));
            case PagePaths.STYLESHEET, PagePaths.LOGO -> Optional.of(onlySafe(request, () -> {
                GatewayResponse file = writer.file(path).orElseGet(() -> Rejection.notFound().toResponse());
                return () -> file;
            }));
            default -> Optional.empty();
        };
    }

    private interface Page {
        Reply show();
    }

    private static Reply onlySafe(GatewayRequest request, Page page) {
        return SAFE.contains(request.method()) ? page.show() : Rejection.methodNotAllowed("GET, HEAD");
    }

    private Reply signIn(GatewayRequest request) {
        Map<String, String> query = query(request.rawQuery());
        // Back to this page after signing in would only ask again.
        String redirect = Optional.ofNullable(query.get("redirect")).filter(LocalPath::isLocal)
                .filter(back -> !back.equals(writer.loginPage()) && !back.startsWith(writer.loginPage() + "?"))
                .orElse("");
        Optional<String> error = Optional.ofNullable(query.get("error"));
        boolean codeStep = "code".equals(query.get("step")) && ticketValid(request);
        if ("code".equals(query.get("step")) && !codeStep && error.isEmpty()) {
            error = Optional.of("sign_in_expired");
        }
        Map<String, Object> fields = new HashMap<>();
        fields.put("sign_in", true);
        fields.put("heading", codeStep ? "Two-step verification" : writer.signInTitle());
        fields.put("action_url", "/auth");
        fields.put("redirect", redirect);
        fields.put("restart_url", writer.loginPage() + (redirect.isEmpty() ? "" : "?redirect="
                + URLEncoder.encode(redirect, StandardCharsets.UTF_8)));
        fields.put("step_password", !codeStep);
        fields.put("step_code", codeStep);
        error.ifPresent(code -> {
            String message = (codeStep ? CODE_ERRORS : SIGN_IN_ERRORS).getOrDefault(code,
                    SIGN_IN_ERRORS.getOrDefault(code, UNKNOWN_ERROR));
            fields.put("error", message);
            fields.put(codeStep ? "error_code" : "error_credentials", code.equals("invalid_credentials")
                    || codeStep && code.equals("totp_required"));
        });
        GatewayResponse page = writer.page(200, fields);
        return () -> page;
    }

    private Reply signedOut() {
        GatewayResponse page = writer.page(200, Map.of("signed_out", true, "heading", "Signed out",
                "sign_in_url", writer.loginPage()));
        return () -> page;
    }

    private boolean ticketValid(GatewayRequest request) {
        List<String> values = Cookies.values(request.headers().all("Cookie"), ticketCookie);
        return values.size() == 1 && tickets.verify(values.getFirst(), clock.instant()).isPresent();
    }

    /** A query's parameters, the first value of each; a malformed query has none. */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        try {
            FormBody.pairs(rawQuery.getBytes(StandardCharsets.UTF_8))
                    .forEach(pair -> query.putIfAbsent(pair.getKey(), pair.getValue()));
        } catch (IllegalArgumentException malformed) {
            return Map.of();
        }
        return query;
    }
}
