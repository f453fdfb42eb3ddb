package io.portcullis.core.port;

import io.portcullis.core.User;
import java.util.List;

/**
 * A user directory that can also be changed: add, replace (password, roles, addresses, TOTP secrets), remove, list;
 * and the TOTP steps users have spent.
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
}
