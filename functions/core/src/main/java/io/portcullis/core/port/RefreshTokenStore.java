package io.portcullis.core.port;

import io.portcullis.core.token.RefreshFamily;
import io.portcullis.core.token.TokenId;
import java.time.Instant;
import java.util.Optional;

/**
 * Refresh-token families, by id. A family holds the hash of its one live refresh token; {@link #rotate} spends it
 * and installs the next in one atomic step, so of several callers (threads, instances, Lambda functions) presenting
 * the same token, exactly one succeeds. The store decides nothing else: the caller reads the family it gets back
 * to tell an expired token from a reused one.
 */
public interface RefreshTokenStore {
    /** Stores a family a login just started. */
    void start(RefreshFamily family);

    /**
     * Spends the family's live token if its hash is {@code presentedHash} and it is {@link RefreshFamily#spendable}
     * at {@code now}, replacing it with {@code nextHash} (expiring at {@code nextExpiresAt}), atomically.
     *
     * @return {@link Rotated} with the family as it was before, or {@link Refused} with the family as it is (empty
     *     when there is no such family, or it has ended so long ago that the store forgot it)
     */
    Rotation rotate(TokenId family, String presentedHash, String nextHash, Instant nextExpiresAt, Instant now);

    /** Ends the family: none of its refresh tokens is spendable again. Nothing happens for an unknown family. */
    void end(TokenId family, Instant now);

    /** What {@link #rotate} did. */
    sealed interface Rotation {
    }

    /** The presented token was spent and replaced; {@code before} is the family as it was. */
    record Rotated(RefreshFamily before) implements Rotation {
    }

    /** Nothing changed; {@code family} is the family as stored now. */
    record Refused(Optional<RefreshFamily> family) implements Rotation {
    }
}
