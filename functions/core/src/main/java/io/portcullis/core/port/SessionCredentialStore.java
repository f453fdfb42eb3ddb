package io.portcullis.core.port;

import java.time.Instant;
import java.util.Optional;

/**
 * Backend credentials kept server-side per session id, for injecting into upstream requests (hyper-auth-proxy's
 * job). The stored value is opaque here: sealed credentials, or {@code base64(user:pass)} for compatibility.
 */
public interface SessionCredentialStore {
    /** The credentials for {@code sessionId}, unless absent or past their expiry. */
    Optional<String> credentials(String sessionId);

    /** Stores credentials for {@code sessionId}, replacing any; with an expiry, they vanish at that time. */
    void save(String sessionId, String credentials, Optional<Instant> expiresAt);

    /** Removes the session; returns whether there was one. */
    boolean remove(String sessionId);
}
