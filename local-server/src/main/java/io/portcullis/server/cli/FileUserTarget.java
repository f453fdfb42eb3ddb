package io.portcullis.server.cli;

import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.UsersFile;
import io.portcullis.core.password.Argon2Params;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Users in a YAML file, edited in place ({@link UsersFile}). A running server picks the change up when it reloads
 * its configuration; a changed password also revokes the user's tokens then, as at every start.
 */
record FileUserTarget(Path file) implements UserTarget {
    @Override
    public Argon2Params argon2() {
        return Files.exists(file) ? ConfigLoader.argon2Of(file) : Argon2Params.DEFAULT;
    }

    @Override
    public void requireAbsent(String username) {
        if (UsersFile.at(file).find(username).isPresent()) {
            throw new CommandFailure("user '" + username + "' is already in " + file);
        }
    }

    @Override
    public void requirePresent(String username) {
        if (!Files.exists(file)) {
            throw new CommandFailure("cannot read " + file + ": no such file");
        }
        if (UsersFile.at(file).find(username).isEmpty()) {
            throw new CommandFailure("no user '" + username + "' in " + file);
        }
    }

    @Override
    public void add(String username, String passwordHash, List<String> roles) {
        UsersFile.at(file).add(username, passwordHash, roles);
    }

    @Override
    public void setPassword(String username, String passwordHash) {
        UsersFile.at(file).setPassword(username, passwordHash);
    }

    @Override
    public void setRoles(String username, List<String> roles) {
        UsersFile.at(file).setRoles(username, roles);
    }

    @Override
    public void remove(String username) {
        UsersFile.at(file).remove(username);
    }

    @Override
    public String description() {
        return file.toString();
    }

    @Override
    public void close() {
        // Every edit is written when made.
    }
}
