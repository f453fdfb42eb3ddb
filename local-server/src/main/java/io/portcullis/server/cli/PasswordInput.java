package io.portcullis.server.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a password for the commands that set one. Never from the command line, where every user of the machine
 * can see it in the process list: from the terminal without echo, typed twice; or, when input is not a terminal,
 * the first line of standard input ({@code printf '%s\n' "$PW" | portcullis hash-password}).
 */
final class PasswordInput {
    /** Longer input is refused rather than hashed: nobody types this, and Argon2 hashes any length. */
    private static final int MAX_CHARS = 4096;

    private PasswordInput() {
    }

    /** The password; the caller wipes the array (Passwords.hash does). */
    static char[] read(CommandContext context, String prompt) {
        Console console = context.console().filter(PasswordInput::isTerminal).orElse(null);
        char[] password = console != null ? fromTerminal(console, prompt) : firstLine(context);
        if (password.length == 0) {
            throw new CommandFailure("the password is empty");
        }
        return password;
    }

    private static char[] fromTerminal(Console console, String prompt) {
        char[] first = console.readPassword("%s", prompt);
        char[] again = first == null ? null : console.readPassword("%s", "Again: ");
        if (first == null || again == null) {
            throw new CommandFailure("no password given");
        }
        boolean same = Arrays.equals(first, again);
        Arrays.fill(again, '\0');
        if (!same) {
            Arrays.fill(first, '\0');
            throw new CommandFailure("the two passwords differ");
        }
        return first;
    }

    private static char[] firstLine(CommandContext context) {
        char[] buffer = new char[MAX_CHARS + 1];
        int length = 0;
        boolean ended = false;
        try {
            Reader reader = new InputStreamReader(context.in(), StandardCharsets.UTF_8);
            for (int c = reader.read(); c >= 0; c = reader.read()) {
                ended = true;
                if (c == '\n') {
                    break;
                }
                if (length == buffer.length) {
                    Arrays.fill(buffer, '\0');
                    throw new CommandFailure("the password is longer than " + MAX_CHARS + " characters");
                }
                buffer[length++] = (char) c;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the password from standard input", e);
        }
        if (!ended) {
            throw new CommandFailure("no password: type it at a terminal, or give it on standard input");
        }
        if (length > 0 && buffer[length - 1] == '\r') {
            length--;
        }
        char[] password = Arrays.copyOf(buffer, length);
        Arrays.fill(buffer, '\0');
        if (length > MAX_CHARS) {
            Arrays.fill(password, '\0');
            throw new CommandFailure("the password is longer than " + MAX_CHARS + " characters");
        }
        return password;
    }

    /**
     * Whether the console is a terminal. JDK 22+ returns a console even when the streams are redirected and says so
     * with {@code isTerminal()}, which the JDK 21 API this is compiled against lacks; on JDK 21 a console exists
     * only on a terminal.
     */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException jdk21) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
