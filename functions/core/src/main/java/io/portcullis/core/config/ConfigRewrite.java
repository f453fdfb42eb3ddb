package io.portcullis.core.config;

import io.portcullis.core.User;
import io.portcullis.core.config.FileValues.Syntax;
import io.portcullis.core.config.GatewayConfig.UserEntry;
import io.portcullis.core.password.Passwords;
import io.portcullis.core.port.UserDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What starting from a configuration writes back into its file: the Argon2 hash of each plaintext password and,
 * for ProxyAuth's {@code config.json} without a {@code token_admin}, a generated one (both as ProxyAuth does).
 *
 * <p>Planned when the configuration is read, so that {@code config check} goes through exactly what a start goes
 * through, short of hashing and writing: the file is parsed in its own syntax (JSON as JSON: tabs, CRLF, a byte
 * order mark) and every value to replace is located. {@link #apply} hashes, locates the values again in the file
 * as it is then (an edit made in between is not overwritten), and replaces only them: every other character of
 * the file stays, and the new file replaces the old one atomically (temp file, fsync, rename) with the same
 * permissions and owner. A password not written literally in the file ({@code ${VAR}}, a block scalar) is hashed
 * in memory only.
 */
public final class ConfigRewrite {
    /** Text in [{@code start}, {@code end}) (UTF-16 offsets) to be replaced. Shared with {@link UsersFile}. */
    record Edit(int start, int end, String replacement) {
    }

    /**
     * @param users every configured user, with a hash
     * @param written what was written into the file, one line each, naming no value
     */
    public record Applied(List<User> users, List<String> written) {
        public Applied {
            users = List.copyOf(users);
            written = List.copyOf(written);
        }
    }

    private static final String ADMIN_TOKEN = "token_admin";

    private final Path file;
    private final Syntax syntax;
    private final List<UserEntry> users;
    private final List<String> inPlace;
    private final Optional<String> adminToken;

    private ConfigRewrite(Path file, Syntax syntax, List<UserEntry> users, List<String> inPlace,
            Optional<String> adminToken) {
        this.file = file;
        this.syntax = syntax;
        this.users = List.copyOf(users);
        this.inPlace = List.copyOf(inPlace);
        this.adminToken = adminToken;
    }

    /** A start from the Portcullis YAML {@code configFile}: plaintext passwords in it, or in its users file. */
    public static ConfigRewrite ofYaml(Path configFile, GatewayConfig config) {
        return plan(config.usersFile().orElse(configFile), Syntax.YAML, config.users(), Optional.empty());
    }

    /** A start from ProxyAuth's {@code config.json}, writing {@code adminToken} when it was generated. */
    static ConfigRewrite ofProxyAuth(Path configJson, List<UserEntry> users, Optional<String> adminToken) {
        return plan(configJson, Syntax.JSON, users, adminToken);
    }

    /**
     * @throws ConfigException when the file does not parse (it did a moment ago, for the configuration)
     */
    private static ConfigRewrite plan(Path file, Syntax syntax, List<UserEntry> users, Optional<String> adminToken) {
        List<UserEntry> plaintext = users.stream().filter(user -> !user.hashed()).toList();
        if (plaintext.isEmpty() && adminToken.isEmpty()) {
            return new ConfigRewrite(file, syntax, users, List.of(), adminToken);
        }
        FileValues values;
        try {
            values = FileValues.parse(FileValues.read(file), syntax, name(file));
        } catch (UncheckedIOException e) {
            throw new ConfigException(name(file) + ": cannot read it: " + e.getCause().getMessage());
        }
        List<String> inPlace = plaintext.stream().filter(user -> passwordValue(values, user).isPresent())
                .map(UserEntry::username).toList();
        return new ConfigRewrite(file, syntax, users, inPlace, adminToken);
    }

    /** The file written into. */
    public Path file() {
        return file;
    }

    /** What a start would write into the file (and hash in memory only), one line each, naming no value. */
    public List<String> pending() {
        List<String> pending = new ArrayList<>();
        if (!inPlace.isEmpty()) {
            pending.add("the Argon2 hash of each plaintext password, in place (" + String.join(", ", inPlace) + ")");
        }
        List<String> inMemory = users.stream().filter(user -> !user.hashed())
                .map(UserEntry::username).filter(username -> !inPlace.contains(username)).toList();
        if (!inMemory.isEmpty()) {
            pending.add("nothing for " + String.join(", ", inMemory) + ": that plaintext is not written literally "
                    + "in the file (an environment variable?), so it is hashed in memory at every start");
        }
        adminToken.ifPresent(token -> pending.add(ADMIN_TOKEN + ": a random one, generated as ProxyAuth does"));
        return pending;
    }

    /**
     * Hashes the plaintext passwords with {@code passwords} (keeping a hash {@code stored} already has for the same
     * plaintext) and writes what {@link #pending} says into the file.
     *
     * @throws ConfigException when the file cannot be rewritten
     */
    public Applied apply(Passwords passwords, UserDirectory stored) {
        PlaintextPasswords.Hashed hashed = PlaintextPasswords.hash(users, passwords, stored);
        if (inPlace.isEmpty() && adminToken.isEmpty()) {
            return new Applied(hashed.users(), List.of());
        }
        List<String> written = new ArrayList<>();
        try {
            Path real = file.toRealPath();
            FileValues values = FileValues.parse(FileValues.read(real), syntax, name(file));
            List<Edit> edits = new ArrayList<>();
            List<String> hashedInPlace = new ArrayList<>();
            for (UserEntry user : users.stream().filter(user -> inPlace.contains(user.username())).toList()) {
                passwordValue(values, user).ifPresent(value -> {
                    edits.add(new Edit(value.start(), value.end(), quoted(hashed.hashes().get(user.username()))));
                    hashedInPlace.add(user.username());
                });
            }
            if (!hashedInPlace.isEmpty()) {
                written.add(name(file) + ": the plaintext passwords of " + String.join(", ", hashedInPlace)
                        + " were replaced by their Argon2 hashes");
            }
            adminToken.flatMap(token -> adminTokenEdit(values, token)).ifPresent(edit -> {
                edits.add(edit);
                written.add(name(file) + ": " + ADMIN_TOKEN + " had no value, so a random one was generated (as "
                        + "ProxyAuth does) and written into " + real + "; read it there");
            });
            if (!edits.isEmpty()) {
                writeAtomically(real, apply(values.text(), edits));
            }
        } catch (IOException | UncheckedIOException e) {
            List<String> what = new ArrayList<>();
            if (!inPlace.isEmpty()) {
                what.add("the hashed passwords");
            }
            adminToken.ifPresent(token -> what.add("the generated " + ADMIN_TOKEN));
            throw new ConfigException(name(file) + ": cannot be rewritten with " + String.join(" and ", what) + " ("
                    + describe(e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e) + "); make it "
                    + "and its directory writable by the gateway, or write hashes (portcullis hash-password) and a "
                    + "token in yourself");
        }
        return new Applied(hashed.users(), written);
    }

    /** The user's password value in the file, when it holds the plaintext the configuration read. */
    private static Optional<FileValues.Value> passwordValue(FileValues values, UserEntry user) {
        Function<String, Optional<String>> scalar = path -> values.get(path).flatMap(FileValues.Value::scalar);
        for (int i = 0; values.get("users." + i).isPresent(); i++) {
            if (scalar.apply("users." + i + ".username").filter(user.username()::equals).isPresent()) {
                String path = "users." + i + ".password";
                return scalar.apply(path).filter(user.password()::equals).flatMap(value -> values.get(path));
            }
        }
        return Optional.empty();
    }

    /** Writes {@code token} where {@code token_admin} is blank or null, or adds the key; nothing if it has a value. */
    private static Optional<Edit> adminTokenEdit(FileValues values, String token) {
        Optional<FileValues.Value> current = values.get(ADMIN_TOKEN);
        if (current.isEmpty()) {
            return Optional.of(values.appendTopLevel(ADMIN_TOKEN, quoted(token)));
        }
        return current.filter(value -> value.scalar().filter(String::isBlank).isPresent())
                .map(value -> new Edit(value.start(), value.end(), quoted(token)));
    }

    /** A hash or a hex token as a JSON string, which is also a YAML double-quoted scalar. */
    private static String quoted(String value) {
        return "\"" + value + "\"";
    }

    private static String describe(Throwable e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String name(Path file) {
        return String.valueOf(file.getFileName());
    }

    static String apply(String text, List<Edit> edits) {
        StringBuilder out = new StringBuilder(text);
        edits.stream().sorted(Comparator.comparingInt(Edit::start).reversed())
                .forEach(edit -> out.replace(edit.start(), edit.end(), edit.replacement()));
        return out.toString();
    }

    /** Writes beside the target, copies mode and owner, fsyncs, renames over the target, fsyncs the directory. */
    static void writeAtomically(Path target, String content) throws IOException {
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
            if (view != null) {
                PosixFileAttributes attributes = view.readAttributes();
                Files.setPosixFilePermissions(temp, attributes.permissions());
                try {
                    Files.setOwner(temp, attributes.owner());
                } catch (IOException | UnsupportedOperationException notPermitted) {
                    // Only root may give a file away; the file then belongs to the user running the gateway.
                }
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(StandardCharsets.UTF_8.encode(content));
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot replace " + target + " atomically", e);
            }
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            } catch (IOException ignoredOnSomeFileSystems) {
                // Directory fsync is not supported everywhere; the rename itself is already atomic.
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
