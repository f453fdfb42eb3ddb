package io.portcullis.core;

/** Whether a request's token admits it: the verified claims, or a refusal (401, 403). */
public sealed interface AuthResult permits Authenticated, Rejection {
}
