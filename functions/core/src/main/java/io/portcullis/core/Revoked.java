package io.portcullis.core;

import java.util.List;

/**
 * A revocation was recorded.
 *
 * @param actor who asked for it
 * @param target what was revoked: a token id, or a user whose tokens up to now are revoked
 * @param untilGivenTime whether the revocation ends at a time the caller gave (ProxyAuth's {@code exp}) rather
 *     than when the token could no longer be valid anyway
 */
public record Revoked(String actor, String target, boolean untilGivenTime) implements RevokeResult {
    @Override
    public GatewayResponse toResponse() {
        return new GatewayResponse(204, List.of(new Header("Cache-Control", "no-store")), new byte[0]);
    }
}
