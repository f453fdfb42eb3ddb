package io.portcullis.core;

import io.portcullis.core.net.AcceptHeader;
import io.portcullis.core.net.LocalPath;
import io.portcullis.core.route.Route;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends a browser that is not signed in to the sign-in page where a program gets 401: a {@code GET} or {@code HEAD}
 * without an {@code Authorization} header (a program's token that failed is a program's 401), whose {@code Accept}
 * prefers HTML, refused 401 on a secure route that takes Portcullis tokens (the page issues no JWT) and has not
 * turned {@code login-redirect} off. The answer is 302 to the page with {@code redirect} set to the path and query
 * asked for, so the sign-in lands there. It runs on the 401 path only; the refusal's reason and the identity it
 * concerns are kept, so logs, metrics and audit lines still say why, and so are the cookies it sets (a refused
 * refresh cookie, cleared).
 */
final class SignInRedirect {
    private final String loginPage;

    SignInRedirect(String loginPage) {
        this.loginPage = loginPage;
    }

    /**
     * {@code refusal}, or the redirect that replaces it for a browser.
     *
     * @param canonicalPath the path the route matched, which never starts with {@code //}
     */
    Rejection orRedirect(GatewayRequest request, Route route, String canonicalPath, Rejection refusal) {
        if (refusal.status() != 401 || !route.loginRedirect() || !route.tokenType().acceptsPortcullis()
                || !(request.method().equals("GET") || request.method().equals("HEAD"))
                || !request.headers().all("Authorization").isEmpty()
                || !AcceptHeader.prefersHtml(request.headers().all("Accept"))) {
            return refusal;
        }
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("Location", signInPage(loginPage, canonicalPath, request.rawQuery())));
        refusal.headers().stream().filter(header -> header.name().equalsIgnoreCase("Set-Cookie"))
                .forEach(headers::add);
        Rejection redirect = new Rejection(302, "sign_in_required", "sign in first: " + loginPage, refusal.reason(),
                headers);
        return refusal.identity().map(redirect::about).orElse(redirect);
    }

    /** The sign-in page, asked to send the browser on to {@code path?query}; without it if that is too long. */
    static String signInPage(String loginPage, String path, String rawQuery) {
        String back = rawQuery.isEmpty() ? path : path + "?" + rawQuery;
        return LocalPath.isLocal(back) ? loginPage + "?redirect=" + URLEncoder.encode(back, StandardCharsets.UTF_8)
                : loginPage;
    }
}
