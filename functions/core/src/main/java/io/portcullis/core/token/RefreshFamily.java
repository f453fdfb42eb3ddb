package io.portcullis.core.token;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The refresh tokens descended from one login, as the store keeps them: only the hash of the one live token, and
 * of the one it replaced. Its id is also the token id of every access token the family mints, so revoking that id
 * revokes them all. Times are kept to the millisecond.
 *
 * @param id the family, and the token id of its access tokens
 * @param subject who logged in
 * @param roles the roles their tokens carry (as at login: a role taken away revokes the user's tokens, families
 *     included; one added counts from the next login)
 * @param startedAt when the login happened: a user's "revoked before" cutoff at or after it ends the family
 * @param endsAt the absolute end ({@code tokens.refresh-max-lifetime} after the login), however often refreshed
 * @param current the hash of the live refresh token
 * @param currentExpiresAt when the live refresh token expires unused (never after {@code endsAt})
 * @param previous the hash of the token {@code current} replaced, if any
 * @param rotatedAt when that replacement happened
 * @param endedAt when the family was ended (logout, revocation, reuse), if it was
 */
public record RefreshFamily(TokenId id, String subject, List<String> roles, Instant startedAt, Instant endsAt,
        String current, Instant currentExpiresAt, Optional<String> previous, Optional<Instant> rotatedAt,
        Optional<Instant> endedAt) {
    public RefreshFamily {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(current, "current");
        roles = List.copyOf(roles);
        startedAt = startedAt.truncatedTo(ChronoUnit.MILLIS);
        endsAt = endsAt.truncatedTo(ChronoUnit.MILLIS);
        currentExpiresAt = currentExpiresAt.truncatedTo(ChronoUnit.MILLIS);
        rotatedAt = rotatedAt.map(at -> at.truncatedTo(ChronoUnit.MILLIS));
        endedAt = endedAt.map(at -> at.truncatedTo(ChronoUnit.MILLIS));
    }

    /** A family just started by a login, with its first refresh token. */
    public static RefreshFamily started(TokenId id, String subject, List<String> roles, Instant startedAt,
            Instant endsAt, String current, Instant currentExpiresAt) {
        return new RefreshFamily(id, subject, roles, startedAt, endsAt, current, currentExpiresAt, Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Whether {@code hash}'s token may be spent at {@code now}: it is the live one, unexpired, in a live family. */
    public boolean spendable(String hash, Instant now) {
        return current.equals(hash) && endedAt.isEmpty() && now.isBefore(currentExpiresAt) && now.isBefore(endsAt);
    }

    /** This family after {@code current} was spent at {@code now} and replaced by {@code next}. */
    public RefreshFamily rotated(String next, Instant nextExpiresAt, Instant now) {
        return new RefreshFamily(id, subject, roles, startedAt, endsAt, next, nextExpiresAt, Optional.of(current),
                Optional.of(now), endedAt);
    }

    /** This family ended at {@code now} (an earlier end stands). */
    public RefreshFamily ended(Instant now) {
        return new RefreshFamily(id, subject, roles, startedAt, endsAt, current, currentExpiresAt, previous,
                rotatedAt, endedAt.or(() -> Optional.of(now)));
    }

    /** The claims a login of this family started with: what a user's revocation cutoff is compared with. */
    public Claims loginClaims() {
        return new Claims(subject, id, startedAt, endsAt, roles);
    }

    @Override
    public String toString() {
        return "RefreshFamily[" + id + " of " + subject + "]";
    }
}
