package io.portcullis.core;

import io.portcullis.core.config.GatewayConfig.ProxyAuthCompat;
import io.portcullis.core.token.Claims;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * ProxyAuth's own endpoints, for clients written against it: {@code POST /adm/revoke} and {@code GET /adm/stats}
 * with {@code X-Auth-Token: <token_admin>}, and {@code GET /logout}, which (unlike ProxyAuth's) also revokes the
 * bearer token it is given. Present only when the configuration has a {@code proxyauth} section.
 */
final class ProxyAuthEndpoints {
    private static final Header TEXT = new Header("Content-Type", "text/plain; charset=utf-8");
    private static final Header NO_STORE = new Header("Cache-Control", "no-store");
    private static final String CLEARED_COOKIE =
            "session_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; Secure; SameSite=Strict";

    private final ProxyAuthCompat compat;
    private final AdminGuard admins;
    private final RevokeTokens revokeTokens;
    private final Optional<TokenStats> stats;
    private final Predicate<Claims> revoked;

    /**
     * @param stats the token registry, when {@code proxyauth.stats} asks for its counts
     * @param revoked whether a token was revoked (revoked tokens are not counted)
     */
    ProxyAuthEndpoints(ProxyAuthCompat compat, AdminGuard admins, RevokeTokens revokeTokens,
            Optional<TokenStats> stats, Predicate<Claims> revoked) {
        this.compat = compat;
        this.admins = admins;
        this.revokeTokens = revokeTokens;
        this.stats = stats;
        this.revoked = revoked;
    }

    /** Whether {@code rawPath} is one of ProxyAuth's admin endpoints ({@code /adm/revoke}, {@code /adm/stats}). */
    static boolean isAdminPath(String rawPath) {
        return rawPath.equals("/adm/revoke") || rawPath.equals("/adm/stats");
    }

    /** The answer for ProxyAuth's endpoints; empty for any other request. */
    Optional<Reply> answer(GatewayRequest request) {
        String path = request.rawPath();
        String method = request.method();
        boolean adminPath = isAdminPath(path);
        if (adminPath && compat.adminToken().isEmpty()) {
            return Optional.of(Rejection.notFound());
        }
        return switch (path) {
            case "/adm/revoke" -> Optional.of(method.equals("POST") ? revoke(request)
                    : Rejection.methodNotAllowed("POST"));
            case "/adm/stats" -> Optional.of(method.equals("GET") ? stats(request) : Rejection.methodNotAllowed("GET"));
            case "/logout" -> method.equals("GET") ? Optional.of(logout(request)) : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** ProxyAuth answers a revocation with 200 and a sentence; clients may look for it. */
    private Reply revoke(GatewayRequest request) {
        RevokeResult result = revokeTokens.revokeWithAdminToken(request);
        if (!(result instanceof Revoked revoked)) {
            return result;
        }
        String text = revoked.untilGivenTime() ? "Token revoked with expiration." : "Token permanently revoked.";
        GatewayResponse response = new GatewayResponse(200, List.of(TEXT, NO_STORE),
                text.getBytes(StandardCharsets.UTF_8));
        return () -> response;
    }

    /**
     * ProxyAuth 0.8.10 writes its stats' dates as chrono serialises them, and its documentation shows the same:
     * RFC 3339 in UTC ({@code 2026-11-22T21:35:35.412Z}, the fraction only when there is one), whatever its
     * {@code timezone}, unlike {@code expires_at}. {@link DateTimeFormatter#ISO_INSTANT} writes exactly that.
     */
    private Reply stats(GatewayRequest request) {
        if (admins.admitByAdminToken(request) instanceof Rejection rejection) {
            return rejection;
        }
        GatewayResponse response = stats.map(counter -> new GatewayResponse(200, List.of(
                new Header("Content-Type", "application/json"), NO_STORE),
                Json.bytes(counter.toJson(DateTimeFormatter.ISO_INSTANT::format, revoked))))
                .orElseGet(() -> new GatewayResponse(200, List.of(TEXT, NO_STORE),
                        "Stats is disabled on this server".getBytes(StandardCharsets.UTF_8)));
        return () -> response;
    }

    /**
     * Clears ProxyAuth's session cookie and redirects like ProxyAuth; a bearer token that comes along is revoked
     * server-side (ProxyAuth leaves it valid). An invalid or missing token is no reason to refuse a logout.
     */
    private Reply logout(GatewayRequest request) {
        if (request.headers().first("Authorization").isPresent()) {
            revokeTokens.logout(request);
        }
        List<Header> headers = new ArrayList<>(List.of(new Header("Set-Cookie", CLEARED_COOKIE), NO_STORE));
        GatewayResponse response;
        if (compat.logoutRedirect().isPresent()) {
            headers.add(new Header("Location", compat.logoutRedirect().get()));
            response = new GatewayResponse(302, headers, new byte[0]);
        } else {
            headers.add(TEXT);
            response = new GatewayResponse(200, headers, "Session cookie cleared".getBytes(StandardCharsets.UTF_8));
        }
        return () -> response;
    }
}
