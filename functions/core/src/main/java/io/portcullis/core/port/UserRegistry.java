package io.portcullis.core.port;

import io.portcullis.core.User;
import java.util.List;
import java.util.Optional;

/**
 * A user directory that can also be changed: add, replace (password, roles, addresses, TOTP secrets), remove, list;
 * the TOTP steps users have spent; and a user's own TOTP enrolment, which changes only the TOTP secrets and only if
 * they are still as read, so an administrator's change made meanwhile (a removal, a new password or role) stands.
 */
public interface UserRegistry extends UserDirectory {
    /** Adds the user, or replaces the user with the same name. */
    void saveUser(User user);

    /** Removes the user; returns whether there was one. */
    boolean removeUser(String username);

    /** Every user, ordered by name. */
    List<User> listUsers();

    /**
     * Records that {@code username} logged in (or confirmed an enrolment) with the TOTP code of time step
     * {@code step}, atomically: true only when no code of this or a later step was used before. A code is usable
     * once, across every instance sharing the store (RFC 6238 §5.2). False for an unknown user. Saving the user
     * again does not forget the last used step.
     */
    boolean useTotpStep(String username, long step);

    /**
     * Starts a TOTP enrolment: sets the user's pending secret, and nothing else, only if the user still exists and
     * still has the confirmed secret {@code confirmed} (none: empty). False when either changed since it was read
     * (deleted, or a second factor provisioned meanwhile): nothing is written then.
     */
    boolean startTotpEnrolment(String username, Optional<String> confirmed, String pending);

    /**
     * Confirms a TOTP enrolment: makes {@code pending} the user's confirmed secret and clears the pending one, and
     * nothing else, only if {@code pending} is still the user's pending secret. False otherwise (the user was
     * deleted, re-provisioned or started another enrolment): nothing is written then.
     */
    boolean confirmTotpEnrolment(String username, String pending);
}
