package io.portcullis.server.cli;

import io.portcullis.core.password.Argon2Params;
import java.util.List;

/** Where {@code users} commands change users: a YAML file, or a config's store. */
sealed interface UserTarget extends AutoCloseable permits FileUserTarget, StoreUserTarget {
    /** Argon2 parameters for the new hash. */
    Argon2Params argon2();

    /** @throws CommandFailure when the user is already there */
    void requireAbsent(String username);

    /** @throws CommandFailure when there is no such user */
    void requirePresent(String username);

    void add(String username, String passwordHash, List<String> roles);

    void setPassword(String username, String passwordHash);

    void setRoles(String username, List<String> roles);

    void remove(String username);

    /** Where the change went, for the confirmation message. */
    String description();

    @Override
    void close();
}
