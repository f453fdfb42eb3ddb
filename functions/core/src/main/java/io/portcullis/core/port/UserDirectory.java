package io.portcullis.core.port;

import io.portcullis.core.User;
import java.util.Optional;

/** Finds users by login name. */
public interface UserDirectory {
    Optional<User> findUser(String username);
}
