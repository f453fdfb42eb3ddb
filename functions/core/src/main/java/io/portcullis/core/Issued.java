package io.portcullis.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.token.Claims;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.portcullis.core.config.GatewayConfig.ProxyAuthCompat;

/**
 * A login succeeded and a token was minted.
 *
 * @param token the sealed token, for the client only: never log it ({@link #toString()} leaves it out)
 * @param claims what the token says
 * @param rate the login limit's state, reported in headers
 * @param proxyAuth when set, {@code expires_at} is written as ProxyAuth writes it (its date format, in its
 *     configured zone) and the keys come in its (alphabetical) order
 * @param redirect where a browser login asked to go next (a path on this site, already checked)
 * @param refresh the refresh token issued with it, when refresh tokens are on (a refresh that only renewed the
 *     access token has none)
 */
public record Issued(String token, Claims claims, RateDecision rate, Optional<ProxyAuthCompat> proxyAuth,
        Optional<String> redirect, Optional<RefreshTokens.Grant> refresh) implements LoginResult {
    public Issued(String token, Claims claims, RateDecision rate) {
        this(token, claims, rate, Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Override
    public GatewayResponse toResponse() {
        long expiresIn = Duration.between(claims.issuedAt(), claims.expiresAt()).toSeconds();
        ObjectNode json = proxyAuth.isPresent()
                ? Json.object()
                        .put("expires_at", proxyAuth.get().format(claims.expiresAt()))
                        .put("expires_in", expiresIn)
                        .put("token", token)
                        .put("token_type", "Bearer")
                : Json.object()
                        .put("token", token)
                        .put("token_type", "Bearer")
                        .put("expires_in", expiresIn)
                        .put("expires_at", claims.expiresAt().toString());
        refresh.ifPresent(grant -> json.put("refresh_token", grant.token())
                .put("refresh_expires_in", Duration.between(claims.issuedAt(), grant.expiresAt()).toSeconds()));
        byte[] body = Json.bytes(json);
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("Content-Type", "application/json"));
        headers.add(new Header("Cache-Control", "no-store"));
        headers.add(new Header("Pragma", "no-cache"));
        headers.addAll(RateLimitHeaders.of(rate));
        return new GatewayResponse(200, headers, body);
    }

    @Override
    public String toString() {
        return "Issued[" + claims.tokenId() + " for " + claims.subject() + "]";
    }
}
