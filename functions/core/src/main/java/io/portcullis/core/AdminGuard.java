package io.portcullis.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the admin API: a caller whose Portcullis token has the role {@value #ADMIN_ROLE} (a JWT from another
 * issuer does not count: roles an identity provider asserts do not administer this gateway), or, with the
 * {@code proxyauth} section's {@code admin-token}, a request carrying {@code X-Auth-Token: <it>}, compared in constant
 * time. A browser session cookie is a token too, and then a state-changing request also needs the session's CSRF
 * token: a browser attaches the cookie by itself.
 */
final class AdminGuard {
    static final String ADMIN_ROLE = "admin";
    static final String ADMIN_TOKEN_ACTOR = "token_admin";
    private static final String ADMIN_TOKEN_HEADER = "X-Auth-Token";

    private final CheckToken checkToken;
    private final CsrfGuard csrf;
    private final Optional<byte[]> adminToken;

    AdminGuard(CheckToken checkToken, CsrfGuard csrf, Optional<String> adminToken) {
        this.checkToken = checkToken;
        this.csrf = csrf;
        this.adminToken = adminToken.map(token -> token.getBytes(StandardCharsets.UTF_8));
    }

    /** An admin by token (and CSRF token, from a session cookie), or by ProxyAuth's admin token when it is sent. */
    AdminAccess admit(GatewayRequest request) {
        if (adminToken.isPresent() && !request.headers().all(ADMIN_TOKEN_HEADER).isEmpty()) {
            return admitByAdminToken(request);
        }
        AuthResult auth = csrf.authenticate(checkToken, request);
        if (auth instanceof Rejection rejection) {
            return rejection;
        }
        Authenticated caller = (Authenticated) auth;
        if (!caller.claims().hasRole(ADMIN_ROLE)) {
            return Rejection.forbidden("this needs the admin role", "not_admin");
        }
        return new AdminAccess.Granted(caller.claims().subject());
    }

    /** ProxyAuth's way only: {@code X-Auth-Token: <token_admin>}; 401 without it or when none is configured. */
    AdminAccess admitByAdminToken(GatewayRequest request) {
        List<String> presented = request.headers().all(ADMIN_TOKEN_HEADER);
        if (adminToken.isEmpty() || presented.size() != 1 || !MessageDigest.isEqual(
                presented.get(0).getBytes(StandardCharsets.UTF_8), adminToken.get())) {
            return new Rejection(401, "invalid_admin_token", "Invalid or missing token", "invalid_admin_token",
                    List.of());
        }
        return new AdminAccess.Granted(ADMIN_TOKEN_ACTOR);
    }
}
