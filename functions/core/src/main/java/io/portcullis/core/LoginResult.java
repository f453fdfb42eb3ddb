package io.portcullis.core;

/** What a login comes to: a token, or a refusal. */
public sealed interface LoginResult extends Reply permits Issued, Rejection {
}
