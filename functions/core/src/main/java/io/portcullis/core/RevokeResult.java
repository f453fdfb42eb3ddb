package io.portcullis.core;

/** A revocation request: done (204), or refused. */
public sealed interface RevokeResult extends Reply permits Revoked, Rejection {
}
