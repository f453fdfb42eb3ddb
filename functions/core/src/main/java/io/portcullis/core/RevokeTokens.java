package io.portcullis.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import io.portcullis.core.token.TokenType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Server-side revocation: {@code POST /auth/revoke} and {@code POST /logout} revoke the presented token;
 * {@code POST /admin/revoke} (an admin, see {@link AdminGuard}) revokes a token by id or every token a user holds.
 * With refresh tokens on, revoking a token by id ends its refresh-token family too (the family's access tokens
 * share that id); revoking a user ends their families through the cutoff, which a refresh checks.
 */
public final class RevokeTokens {
    public static final String ADMIN_ROLE = AdminGuard.ADMIN_ROLE;
    private static final int MAX_BODY_BYTES = 4096;

    private final CheckToken checkToken;
    private final CsrfGuard csrf;
    private final AdminGuard admins;
    private final RevocationStore revocations;
    private final Duration maxTokenLifetime;
    private final Optional<RefreshTokens> refreshTokens;
    private final Clock clock;

    /** @param refreshTokens when refresh tokens are on: revoking a token also ends its refresh-token family */
    RevokeTokens(CheckToken checkToken, CsrfGuard csrf, AdminGuard admins, RevocationStore revocations,
            Duration maxTokenLifetime, Optional<RefreshTokens> refreshTokens, Clock clock) {
        this.checkToken = checkToken;
        this.csrf = csrf;
        this.refreshTokens = refreshTokens;
        this.admins = admins;
        this.revocations = revocations;
        this.maxTokenLifetime = maxTokenLifetime;
        this.clock = clock;
    }

    /**
     * {@code POST /auth/revoke}: revokes the caller's own token, a Portcullis token or a JWT (by its derived token
     * id), for as long as it could be accepted. A token from a cookie needs the proof a cookie-authenticated change
     * needs ({@link CsrfGuard}). With refresh tokens on, a Portcullis token's whole family goes with it: its refresh
     * tokens, and the access tokens its refreshes minted (they share its id).
     */
    public RevokeResult revokeOwn(GatewayRequest request) {
        return revoke(csrf.authenticate(checkToken, request, TokenType.ANY));
    }

    /**
     * {@code /logout}: revokes the caller's own token like {@link #revokeOwn}, without the cross-site proof: a
     * logout only ends the caller's own session, and browsers log out with a plain link ({@code GET /logout}).
     */
    public RevokeResult logout(GatewayRequest request) {
        return revoke(checkToken.authenticate(request.headers(), TokenType.ANY));
    }

    private RevokeResult revoke(AuthResult auth) {
        if (auth instanceof Rejection rejection) {
            return rejection;
        }
        Authenticated caller = (Authenticated) auth;
        Claims claims = caller.claims();
        if (refreshTokens.isPresent() && caller.jwt().isEmpty()) {
            refreshTokens.get().revoke(claims.tokenId(), caller.acceptedUntil());
        } else {
            revocations.revokeToken(claims.tokenId(), caller.acceptedUntil());
        }
        return new Revoked(claims.subject(), "token " + claims.tokenId(), false);
    }

    /** Revokes a refresh-token family by one of its refresh tokens (a browser's logout with an expired session). */
    void revokeFamilyOf(String refreshToken) {
        refreshTokens.flatMap(refresh -> refresh.familyOf(refreshToken))
                .ifPresent(family -> refreshTokens.get().revoke(family, clock.instant()));
    }

    /**
     * An admin revokes {@code {"token_id": "…"}} (kept until the longest a token can live) or {@code {"user": "…"}}
     * (every token of that user issued until now). From a browser session, only with its CSRF token.
     */
    public RevokeResult revokeAsAdmin(GatewayRequest request) {
        return switch (admins.admit(request)) {
            case Rejection rejection -> rejection;
            case AdminAccess.Granted admin -> revokeFromBody(request, admin.actor());
        };
    }

    /**
     * ProxyAuth's {@code POST /adm/revoke}: the caller proves itself with {@code X-Auth-Token: <token_admin>}
     * (compared in constant time) instead of a token of role admin. The body is {@link #revokeAsAdmin}'s, and
     * {@code {"token_id": "…", "exp": <unix seconds>}} keeps a token's revocation only until {@code exp}.
     */
    public RevokeResult revokeWithAdminToken(GatewayRequest request) {
        return switch (admins.admitByAdminToken(request)) {
            case Rejection rejection -> rejection;
            case AdminAccess.Granted admin -> revokeFromBody(request, admin.actor());
        };
    }

    private RevokeResult revokeFromBody(GatewayRequest request, String actor) {
        ObjectNode body;
        try {
            if (!request.headers().first("Content-Type").orElse("").toLowerCase(Locale.ROOT)
                    .startsWith("application/json")) {
                throw new BadRequestException("unsupported_content_type", "send application/json");
            }
            body = Json.parseObject(Json.readBounded(request.body().get(), MAX_BODY_BYTES));
        } catch (BadRequestException e) {
            return e.rejection();
        }
        JsonNode tokenId = body.get("token_id");
        JsonNode user = body.get("user");
        JsonNode exp = body.get("exp");
        if ((tokenId == null) == (user == null)) {
            return Rejection.badRequest("invalid_request", "give exactly one of token_id and user");
        }
        Instant now = clock.instant();
        Instant longest = now.plus(maxTokenLifetime);
        if (tokenId != null) {
            TokenId id;
            try {
                id = new TokenId(tokenId.asText());
            } catch (IllegalArgumentException e) {
                return Rejection.badRequest("invalid_request", "token_id must be 32 lower-case hex digits");
            }
            if (exp != null && !exp.isNull() && (!exp.canConvertToLong() || exp.asLong() <= now.getEpochSecond())) {
                return Rejection.badRequest("invalid_request", "exp must be a future time in unix seconds");
            }
            boolean until = exp != null && !exp.isNull();
            Instant keep = until && Instant.ofEpochSecond(exp.asLong()).isBefore(longest)
                    ? Instant.ofEpochSecond(exp.asLong()) : longest;
            if (refreshTokens.isPresent()) {
                refreshTokens.get().revoke(id, keep);
            } else {
                revocations.revokeToken(id, keep);
            }
            return new Revoked(actor, "token " + id, until);
        }
        if (exp != null) {
            return Rejection.badRequest("invalid_request", "exp applies to a token_id only");
        }
        if (!user.isTextual() || user.asText().isEmpty()) {
            return Rejection.badRequest("invalid_request", "user must be a non-empty string");
        }
        revocations.revokeIssuedUpTo(user.asText(), now);
        return new Revoked(actor, "user " + user.asText(), false);
    }
}
