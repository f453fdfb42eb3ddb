package io.portcullis.core;

/** A revocation request: done (204), or refused. */
public sealed interface RevokeResult permits Revoked, Rejection {
    GatewayResponse toResponse();
}
