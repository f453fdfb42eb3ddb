package io.portcullis.server.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What the commands take from outside the process, passed in so tests run them in-process with their own streams:
 * the environment (config overrides and {@code ${VAR}} references, {@code PORTCULLIS_CONFIG}), standard input,
 * the terminal (for passwords without echo) and the clock.
 *
 * @param out where results go (a hash, a token, JSON)
 * @param err where messages and problems go
 * @param console the terminal, when there is one; passwords are then read from it without echo
 */
record CommandContext(Map<String, String> env, InputStream in, PrintWriter out, PrintWriter err,
        Optional<Console> console, Clock clock) {

    /** The config file: {@code given}, else {@code $PORTCULLIS_CONFIG}. */
    Optional<Path> configFile(Path given) {
        if (given != null) {
            return Optional.of(given);
        }
        return Optional.ofNullable(env.get("PORTCULLIS_CONFIG")).filter(name -> !name.isBlank()).map(Path::of);
    }
}
