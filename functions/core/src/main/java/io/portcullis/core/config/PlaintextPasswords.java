package io.portcullis.core.config;

import io.portcullis.core.User;
import io.portcullis.core.config.GatewayConfig.UserEntry;
import io.portcullis.core.password.Passwords;
import io.portcullis.core.port.UserDirectory;
import java.io.IOException;
import java.io.StringReader;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Hashes plaintext passwords found in the config at first start and writes the hashes back, so plaintext does not
 * stay on disk. The file is edited as text: only the password values change, every other byte (keys, comments,
 * order, formatting) stays; the new file replaces the old one atomically (temp file, fsync, rename) with the same
 * permissions and owner. Works for YAML and for JSON (ProxyAuth's {@code config.json}).
 */
public final class PlaintextPasswords {
    private PlaintextPasswords() {
    }

    /**
     * The configured users with every password hashed. Plaintext passwords are hashed with {@code passwords}; those
     * written literally in {@code file} are replaced there by their hash. A password that came from an environment
     * variable is hashed in memory only.
     */
    public static List<User> hashAndRewrite(List<UserEntry> entries, Path file, Passwords passwords) {
        return hashAndRewrite(entries, file, passwords, username -> Optional.empty());
    }

    /**
     * As {@link #hashAndRewrite(List, Path, Passwords)}, except that a plaintext password which the hash the user has
     * in {@code stored} already verifies keeps that hash (written into the file too) rather than a new one with a
     * fresh salt: reading the same plaintext again (a reload, an environment variable's password) is no password
     * change, which would revoke the user's tokens. Costs one Argon2 verification per such user.
     */
    public static List<User> hashAndRewrite(List<UserEntry> entries, Path file, Passwords passwords,
            UserDirectory stored) {
        Map<String, String> hashes = new HashMap<>();
        List<User> users = new ArrayList<>();
        for (UserEntry entry : entries) {
            String hash = entry.password();
            if (!entry.hashed()) {
                Optional<String> known = stored.findUser(entry.username()).map(User::passwordHash)
                        .filter(existing -> passwords.verify(existing, entry.password().toCharArray()));
                hash = known.orElseGet(() -> passwords.hash(entry.password().toCharArray()));
                hashes.put(entry.username(), hash);
            }
            users.add(entry.toUser(hash));
        }
        if (!hashes.isEmpty()) {
            Map<String, String> plaintexts = new HashMap<>();
            entries.stream().filter(e -> !e.hashed()).forEach(e -> plaintexts.put(e.username(), e.password()));
            rewrite(file, plaintexts, hashes);
        }
        return users;
    }

    /** Replaces, in {@code file}, each listed user's password scalar that still holds its plaintext. */
    static void rewrite(Path file, Map<String, String> plaintextByUser, Map<String, String> hashByUser) {
        try {
            Path real = file.toRealPath();
            String text = Files.readString(real, StandardCharsets.UTF_8);
            List<Edit> edits = edits(text, plaintextByUser, hashByUser);
            if (!edits.isEmpty()) {
                writeAtomically(real, apply(text, edits));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file + " with hashed passwords", e);
        }
    }

    /**
     * Replaces the value of the top-level key {@code key} in {@code file} by {@code replacement} (written as a
     * double-quoted string), when it holds exactly {@code expected}; every other byte stays, and the file is
     * replaced atomically as for passwords. ProxyAuth's empty {@code token_admin} gets its generated value so.
     *
     * @return whether the file was changed
     */
    static boolean replaceTopLevelScalar(Path file, String key, String expected, String replacement) {
        try {
            Path real = file.toRealPath();
            String text = Files.readString(real, StandardCharsets.UTF_8);
            LoaderOptions options = new LoaderOptions();
            options.setProcessComments(false);
            Node root = new Yaml(options).compose(new StringReader(text));
            Optional<Node> value = root instanceof MappingNode mapping ? value(mapping, key) : Optional.empty();
            if (value.isEmpty() || !(value.get() instanceof ScalarNode scalar) || !scalar.getValue().equals(expected)
                    || !isFlowScalar(scalar)) {
                return false;
            }
            int start = text.offsetByCodePoints(0, scalar.getStartMark().getIndex());
            int end = text.offsetByCodePoints(0, scalar.getEndMark().getIndex());
            writeAtomically(real, apply(text, List.of(new Edit(start, end, "\"" + replacement + "\""))));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    /** Text in [{@code start}, {@code end}) (UTF-16 offsets) to be replaced. Shared with {@link UsersFile}. */
    record Edit(int start, int end, String replacement) {
    }

    private static List<Edit> edits(String text, Map<String, String> plaintextByUser, Map<String, String> hashByUser) {
        LoaderOptions options = new LoaderOptions();
        options.setProcessComments(false);
        Node root = new Yaml(options).compose(new StringReader(text));
        List<Edit> edits = new ArrayList<>();
        Optional<Node> users = root instanceof MappingNode mapping ? value(mapping, "users") : Optional.empty();
        if (users.isEmpty() || !(users.get() instanceof SequenceNode list)) {
            return edits;
        }
        for (Node item : list.getValue()) {
            if (!(item instanceof MappingNode user)) {
                continue;
            }
            Optional<String> username = value(user, "username").flatMap(PlaintextPasswords::scalar);
            Optional<Node> password = value(user, "password");
            if (username.isEmpty() || password.isEmpty() || !(password.get() instanceof ScalarNode scalar)) {
                continue;
            }
            String plaintext = plaintextByUser.get(username.get());
            String hash = hashByUser.get(username.get());
            if (hash != null && scalar.getValue().equals(plaintext) && isFlowScalar(scalar)) {
                int start = text.offsetByCodePoints(0, scalar.getStartMark().getIndex());
                int end = text.offsetByCodePoints(0, scalar.getEndMark().getIndex());
                edits.add(new Edit(start, end, "\"" + hash + "\""));
            }
        }
        return edits;
    }

    static boolean isFlowScalar(ScalarNode scalar) {
        return switch (scalar.getScalarStyle()) {
            case PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED -> true;
            default -> false;
        };
    }

    static Optional<Node> value(MappingNode mapping, String key) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (scalar(tuple.getKeyNode()).filter(key::equals).isPresent()) {
                return Optional.of(tuple.getValueNode());
            }
        }
        return Optional.empty();
    }

    static Optional<String> scalar(Node node) {
        return node instanceof ScalarNode scalar ? Optional.of(scalar.getValue()) : Optional.empty();
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
