package io.portcullis.core.port;

import io.portcullis.core.User;
import java.util.List;

/** A user directory that can also be changed: add, replace (password, roles, addresses), remove, list. */
public interface UserRegistry extends UserDirectory {
    /** Adds the user, or replaces the user with the same name. */
    void saveUser(User user);

    /** Removes the user; returns whether there was one. */
    boolean removeUser(String username);

    /** Every user, ordered by name. */
    List<User> listUsers();
}
