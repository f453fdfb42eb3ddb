package io.portcullis.core;

import io.portcullis.core.session.BasicCredentials;

/** The backend credentials of a request's session, or the refusal (401) when there are none to be had. */
public sealed interface SessionResult permits SessionResult.Found, Rejection {
    /** The session's credentials, opened. */
    record Found(BasicCredentials credentials) implements SessionResult {
    }
}
