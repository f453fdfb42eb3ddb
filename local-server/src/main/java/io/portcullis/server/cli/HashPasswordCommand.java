package io.portcullis.server.cli;

import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.Passwords;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the Argon2id hash of a password read from the terminal or standard input, for a {@code users:} entry. */
@Command(name = "hash-password",
        description = {"Read a password (from the terminal without echo, typed twice; else the first line of "
            + "standard input) and print its Argon2id hash, a PHC string for a users: entry."})
final class HashPasswordCommand implements Callable<Integer> {
    private final CommandContext context;

    @Option(names = "--config", paramLabel = "FILE", description = "use this config's passwords.argon2 "
            + "(default: $PORTCULLIS_CONFIG; without one, 19456 KiB, 2 iterations, 1 lane)")
    private Path config;

    HashPasswordCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Argon2Params params = context.configFile(config).map(ConfigLoader::argon2Of).orElse(Argon2Params.DEFAULT);
        context.out().println(new Passwords(params).hash(PasswordInput.read(context, "Password: ")));
        return PortcullisCli.OK;
    }
}
