package io.portcullis.core;

import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.token.Claims;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A login succeeded and a token was minted.
 *
 * @param token the sealed token, for the client only: never log it ({@link #toString()} leaves it out)
 * @param claims what the token says
 * @param rate the login limit's state, reported in headers
 */
public record Issued(String token, Claims claims, RateDecision rate) implements LoginResult {
    @Override
    public GatewayResponse toResponse() {
        byte[] body = Json.bytes(Json.object()
                .put("token", token)
                .put("token_type", "Bearer")
                .put("expires_in", Duration.between(claims.issuedAt(), claims.expiresAt()).toSeconds())
                .put("expires_at", claims.expiresAt().toString()));
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
