package io.portcullis.server.cli;

import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.Passwords;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code users add|passwd|roles|remove}: changes users in a YAML file ({@code --file}) or in the store a config
 * names ({@code --config}). Passwords are read from the terminal or standard input, never taken as arguments.
 */
@Command(name = "users", description = {
    "Add, change and remove users: in a YAML file (--file: a config, or the file its users-file names), or in "
        + "the store a config names (--config: embedded or dynamodb).",
    "Passwords are read from the terminal without echo (typed twice), else from the first line of standard input."})
final class UsersCommand {
    private final CommandContext context;

    @Spec
    private CommandSpec spec;

    UsersCommand(CommandContext context) {
        this.context = context;
    }

    /** Where the users are: exactly one of a YAML file and a config's store. */
    static final class Target {
        @Option(names = "--file", paramLabel = "FILE", required = true,
                description = "a YAML file with a users: list (created if missing); Argon2 parameters from its "
                        + "passwords.argon2, else the defaults")
        Path file;

        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "a config: change users in its store (stop a server using the embedded store first)")
        Path config;

        UserTarget open(CommandContext context) {
            return file != null ? new FileUserTarget(file)
                    : StoreUserTarget.open(config, ConfigLoader.load(config, context.env()), context.clock());
        }
    }

    @Command(name = "add", description = "Add a user.")
    int add(@ArgGroup(multiplicity = "1") Target target,
            @Parameters(paramLabel = "USERNAME") String username,
            @Option(names = "--role", paramLabel = "ROLE", split = ",",
                    description = "a role the user holds (repeat, or separate with commas)") List<String> roles) {
        List<String> checkedRoles = checked("add", username, roles);
        try (UserTarget users = target.open(context)) {
            users.requireAbsent(username);
            String hash = hash(users.argon2(), username);
            users.add(username, hash, checkedRoles);
            context.out().println("added user " + username + " to " + users.description());
        }
        return PortcullisCli.OK;
    }

    @Command(name = "passwd",
            description = "Set a user's password (in a store, the user's tokens are revoked).")
    int passwd(@ArgGroup(multiplicity = "1") Target target, @Parameters(paramLabel = "USERNAME") String username) {
        checked("passwd", username, List.of());
        try (UserTarget users = target.open(context)) {
            users.requirePresent(username);
            users.setPassword(username, hash(users.argon2(), username));
            context.out().println("changed the password of " + username + " in " + users.description());
        }
        return PortcullisCli.OK;
    }

    @Command(name = "roles",
            description = "Set a user's roles to exactly ROLE... (none: no roles; in a store, the user's tokens, "
                    + "which carry the old roles, are revoked).")
    int roles(@ArgGroup(multiplicity = "1") Target target, @Parameters(paramLabel = "USERNAME") String username,
            @Parameters(paramLabel = "ROLE", arity = "0..*") List<String> roles) {
        List<String> checkedRoles = checked("roles", username, roles);
        try (UserTarget users = target.open(context)) {
            users.requirePresent(username);
            users.setRoles(username, checkedRoles);
            context.out().println("set the roles of " + username + " to " + checkedRoles + " in "
                    + users.description());
        }
        return PortcullisCli.OK;
    }

    @Command(name = "remove",
            description = "Remove a user (in a store, the user's tokens are revoked).")
    int remove(@ArgGroup(multiplicity = "1") Target target, @Parameters(paramLabel = "USERNAME") String username) {
        checked("remove", username, List.of());
        try (UserTarget users = target.open(context)) {
            users.requirePresent(username);
            users.remove(username);
            context.out().println("removed user " + username + " from " + users.description());
        }
        return PortcullisCli.OK;
    }

    private String hash(Argon2Params params, String username) {
        return new Passwords(params).hash(PasswordInput.read(context, "New password for " + username + ": "));
    }

    /** The roles, once the name and every role are valid as the config loader requires; else a usage error. */
    private List<String> checked(String command, String username, List<String> roles) {
        List<String> all = roles == null ? List.of() : roles.stream().map(String::strip).distinct().toList();
        Optional<String> problem = Stream.concat(
                        ConfigLoader.usernameProblem(username).map(p -> "USERNAME " + p).stream(),
                        all.stream().flatMap(role -> ConfigLoader.roleProblem(role).stream()))
                .findFirst();
        if (problem.isPresent()) {
            throw new ParameterException(spec.subcommands().get(command), problem.get());
        }
        return all;
    }
}
