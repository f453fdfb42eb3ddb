package io.portcullis.core.port;

import io.portcullis.core.token.Claims;
import io.portcullis.core.token.TokenId;
import java.time.Instant;

/**
 * Revoked tokens: single tokens by id, and all of a user's tokens issued up to a moment. A revocation holds at least
 * until the revoked token would have expired anyway.
 */
public interface RevocationStore {
    /** Revokes the token with this id; the entry is kept at least until {@code expiresAt}. */
    void revokeToken(TokenId tokenId, Instant expiresAt);

    /** Revokes every token of {@code subject} issued at or before {@code cutoff}. */
    void revokeIssuedUpTo(String subject, Instant cutoff);

    /** Whether the token these claims describe has been revoked, by id or by its subject's cutoff. */
    boolean isRevoked(Claims claims);
}
