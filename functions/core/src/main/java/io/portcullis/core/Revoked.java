package io.portcullis.core;

import java.util.List;

/**
 * A revocation was recorded.
 *
 * @param actor who asked for it
 * @param target what was revoked: a token id, or a user whose tokens up to now are revoked
 */
public record Revoked(String actor, String target) implements RevokeResult {
    @Override
    public GatewayResponse toResponse() {
        return new GatewayResponse(204, List.of(new Header("Cache-Control", "no-store")), new byte[0]);
    }
}
