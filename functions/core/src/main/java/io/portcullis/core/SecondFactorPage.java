package io.portcullis.core;

import io.portcullis.core.page.PagePaths;
import io.portcullis.core.page.QrCode;
import io.portcullis.core.port.UserRegistry;
import io.portcullis.core.token.CsrfTokens;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The second-factor page, {@code /auth/totp}, for a signed-in browser: {@code GET} shows whether two-step
 * verification is on and offers to set it up (or, with a code from the current app, to move it to another);
 * {@code POST}, a form with the session's CSRF token, starts an enrolment ({@code action=enrol}) or confirms it
 * ({@code action=confirm}) through the same {@link TotpEnrolment} as the JSON endpoints. The new secret is shown
 * once, in the answer to the enrolling post, as a QR code and as text; every other answer is a redirect back to
 * the page (with {@code error=<code>}), so reloading repeats nothing.
 *
 * <p>A post the browser marks cross-site is refused (403) before anything else, as for form logins; a visitor who
 * is not signed in is sent to the sign-in page and back here afterwards.
 */
final class SecondFactorPage {
    private static final int MAX_BODY_BYTES = 4096;
    private static final Map<String, String> ERRORS = Map.of(
            "invalid_code", "That code is not right, or it was used already. Wait for the next one, then try again.",
            "code_required", "Enter a code from the app you use now.",
            "no_pending_enrolment", "Start the set-up again.",
            "rate_limited", "Too many attempts. Wait a minute, then try again.",
            "invalid_request", "Enter the 6-digit code.");
    private static final Map<String, String> NOTICES = Map.of(
            "enabled", "Two-step verification is on. Signing in now asks for a code from your app.");

    private final CheckToken checkToken;
    private final CsrfGuard csrf;
    private final CsrfTokens csrfTokens;
    private final TotpEnrolment enrolment;
    private final UserRegistry users;
    private final PageWriter writer;
    private final String homePage;

    /** @param homePage where the page's "Back" link goes ({@code browser.login-redirect}) */
    SecondFactorPage(CheckToken checkToken, CsrfGuard csrf, CsrfTokens csrfTokens, TotpEnrolment enrolment,
            UserRegistry users, PageWriter writer, String homePage) {
        this.checkToken = checkToken;
        this.csrf = csrf;
        this.csrfTokens = csrfTokens;
        this.enrolment = enrolment;
        this.users = users;
        this.writer = writer;
        this.homePage = homePage;
    }

    Reply answer(GatewayRequest request) {
        return switch (request.method()) {
            case "GET", "HEAD" -> show(request);
            case "POST" -> act(request);
            default -> Rejection.methodNotAllowed("GET, HEAD, POST");
        };
    }

    private Reply show(GatewayRequest request) {
        if (!(checkToken.authenticate(request.headers()) instanceof Authenticated caller)) {
            return signInFirst();
        }
        Optional<User> user = users.findUser(caller.claims().subject());
        if (user.isEmpty()) {
            return Rejection.forbidden("this session's user no longer exists", "no_such_user");
        }
        Map<String, String> query = SignInPages.query(request.rawQuery());
        boolean confirming = "confirm".equals(query.get("step")) && user.get().totp().pending().isPresent();
        Map<String, Object> fields = fields(caller);
        fields.put("show_confirm", confirming);
        fields.put("show_replace", !confirming && user.get().totp().enrolled());
        fields.put("show_setup", !confirming && !user.get().totp().enrolled());
        Optional.ofNullable(query.get("error")).ifPresent(code -> {
            fields.put("error", ERRORS.getOrDefault(code, "That did not work. Try again."));
            fields.put("error_code", true);
        });
        Optional.ofNullable(query.get("notice")).map(NOTICES::get).ifPresent(notice -> fields.put("notice", notice));
        GatewayResponse page = writer.page(200, fields);
        return () -> page;
    }

    private Reply act(GatewayRequest request) {
        if (BrowserSessions.crossSite(request)) {
            return Rejection.forbidden("changes from another site are refused", "cross_site_request");
        }
        if (!request.isForm()) {
            return Rejection.badRequest("unsupported_content_type", "post the page's form "
                    + "(application/x-www-form-urlencoded)");
        }
        byte[] body;
        try {
            body = Json.readBounded(request.body().get(), MAX_BODY_BYTES);
        } catch (BadRequestException e) {
            return e.rejection();
        }
        if (!(checkToken.authenticate(request.headers()) instanceof Authenticated caller)) {
            return signInFirst();
        }
        Optional<Rejection> forged = csrf.refusal(request, caller, true, Optional.of(body));
        if (forged.isPresent()) {
            return forged.get();
        }
        Map<String, String> form = SignInPages.query(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        Optional<String> code = Optional.ofNullable(form.get("code")).map(c -> c.replace(" ", ""))
                .filter(c -> !c.isEmpty());
        return switch (form.getOrDefault("action", "")) {
            case "enrol" -> switch (enrolment.enrol(caller, code)) {
                case TotpEnrolment.NewSecret secret -> new BrowserAnswer(secret, newSecret(caller, secret));
                case Rejection refused -> new BrowserAnswer(refused, back("?error=" + refused.error()));
                default -> throw new IllegalStateException("an enrolment gives a secret or a refusal");
            };
            case "confirm" -> {
                Reply confirmed = enrolment.confirm(caller, code);
                yield new BrowserAnswer(confirmed, back(confirmed instanceof Rejection refused
                        ? "?step=confirm&error=" + refused.error() : "?notice=enabled"));
            }
            default -> Rejection.badRequest("invalid_request", "action must be enrol or confirm");
        };
    }

    /** The answer to the enrolling post: the new secret, once, as a QR code and as text; never cached. */
    private GatewayResponse newSecret(Authenticated caller, TotpEnrolment.NewSecret secret) {
        Map<String, Object> fields = fields(caller);
        fields.put("show_secret", true);
        fields.put("show_confirm", true);
        fields.put("qr_image", QrCode.dataUri(secret.otpauthUri()));
        fields.put("secret", String.join(" ", secret.secret().split("(?<=\\G.{4})")));
        return writer.page(200, fields);
    }

    private Map<String, Object> fields(Authenticated caller) {
        Map<String, Object> fields = new HashMap<>();
        fields.put("second_factor", true);
        fields.put("heading", "Two-step verification");
        fields.put("page_url", PagePaths.SECOND_FACTOR);
        fields.put("csrf_token", csrfTokens.issue(caller.claims().tokenId()));
        fields.put("home_url", homePage);
        fields.put("sign_out_url", "/logout");
        return fields;
    }

    private Reply signInFirst() {
        GatewayResponse response = PageWriter.seeOther(SignInRedirect.signInPage(writer.loginPage(),
                PagePaths.SECOND_FACTOR, ""), List.of());
        return () -> response;
    }

    private static GatewayResponse back(String query) {
        return PageWriter.seeOther(PagePaths.SECOND_FACTOR + query, List.of());
    }
}
