package io.portcullis.core.config;

import io.portcullis.core.config.ConfigRewrite.Edit;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Adds, changes and removes users in the {@code users:} list of a YAML file (a config file, or the file its
 * {@code users-file} names), for the command line. Like {@link ConfigRewrite} it edits the text: only the one
 * user's entry changes, every comment and all other formatting stay, and the new file replaces the old one
 * atomically with the same mode. New entries are one-line flow mappings ({@code - { username: bob, ... }}).
 *
 * <p>Every edit is read back before it is written: if any other user or top-level key would come out different,
 * or the change itself did not take (a layout this editor does not handle), the file is left alone and the edit
 * refused with {@link IllegalStateException}.
 */
public final class UsersFile {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9._-]*");
    /** Plain words YAML 1.1 reads as booleans or null: such a name must be quoted to stay a string. */
    private static final Set<String> YAML_WORDS = Set.of("y", "n", "yes", "no", "true", "false", "on", "off",
            "null");

    /**
     * A user as the file lists it.
     *
     * @param password an Argon2 hash, plaintext still to be hashed, or a {@code ${VAR}} reference, as written
     * @param roles the roles as written (none when the key is absent)
     */
    public record Entry(String username, String password, List<String> roles) {
        public Entry {
            roles = List.copyOf(roles);
        }

        @Override
        public String toString() {
            return "Entry[" + username + ", roles=" + roles + "]";
        }
    }

    private final Path file;

    private UsersFile(Path file) {
        this.file = file;
    }

    public static UsersFile at(Path file) {
        return new UsersFile(file);
    }

    public Path file() {
        return file;
    }

    /** The users the file lists, in order; none when the file does not exist yet. */
    public List<Entry> entries() {
        return Files.exists(file) ? Document.read(file).entries() : List.of();
    }

    public Optional<Entry> find(String username) {
        return entries().stream().filter(entry -> entry.username().equals(username)).findFirst();
    }

    /**
     * Appends a user to the list, creating the file (readable by its owner only) or the list when there is none.
     *
     * @throws IllegalArgumentException when the file already lists this user
     */
    public void add(String username, String passwordHash, List<String> roles) {
        String entry = "{ username: " + scalar(username) + ", password: " + quoted(passwordHash)
                + (roles.isEmpty() ? "" : ", roles: " + list(roles)) + " }";
        if (!Files.exists(file)) {
            create("users:\n  - " + entry + "\n");
            return;
        }
        Document doc = Document.read(file);
        if (doc.item(username).isPresent()) {
            throw new IllegalArgumentException("user '" + username + "' is already in " + file);
        }
        List<Entry> expected = new ArrayList<>(doc.entries());
        expected.add(new Entry(username, passwordHash, roles));
        doc.replaceWith(doc.append(entry), expected);
    }

    /** Replaces the user's password with {@code passwordHash}. */
    public void setPassword(String username, String passwordHash) {
        Document doc = Document.read(file);
        MappingNode item = doc.requireItem(username);
        Edit edit = FileValues.value(item, "password")
                .map(value -> doc.replace(value, quoted(passwordHash)))
                .orElseGet(() -> doc.addKey(item, "password", quoted(passwordHash)));
        doc.replaceWith(ConfigRewrite.apply(doc.text, List.of(edit)),
                doc.entriesWith(username, old -> new Entry(username, passwordHash, old.roles())));
    }

    /** Sets the user's roles to exactly {@code roles} (none: {@code roles: []}). */
    public void setRoles(String username, List<String> roles) {
        Document doc = Document.read(file);
        MappingNode item = doc.requireItem(username);
        Edit edit = FileValues.value(item, "roles")
                .map(value -> doc.replace(value, list(roles)))
                .orElseGet(() -> doc.addKey(item, "roles", list(roles)));
        doc.replaceWith(ConfigRewrite.apply(doc.text, List.of(edit)),
                doc.entriesWith(username, old -> new Entry(username, old.password(), roles)));
    }

    /** Removes the user's entry (the list stays, possibly as {@code []}). */
    public void remove(String username) {
        Document doc = Document.read(file);
        doc.requireItem(username);
        List<Entry> expected = doc.entries().stream().filter(e -> !e.username().equals(username)).toList();
        doc.replaceWith(doc.withoutItem(username), expected);
    }

    private void create(String text) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            ConfigRewrite.writeAtomically(file.toRealPath(), text);
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("cannot create " + file + " readable by its owner only", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    /** A name or role as a YAML scalar: plain when that reads back as the same string, else double-quoted. */
    static String scalar(String value) {
        return PLAIN.matcher(value).matches() && !YAML_WORDS.contains(value.toLowerCase(Locale.ROOT)) ? value
                : quoted(value);
    }

    /** Double-quoted; the values written here are visible ASCII, so only {@code \} and {@code "} need escapes. */
    static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String list(List<String> values) {
        return "[" + String.join(", ", values.stream().map(UsersFile::scalar).toList()) + "]";
    }

    /** One reading of the file: its text and the YAML node tree, with offsets into the text. */
    private static final class Document {
        private final Path path;
        private final String text;
        private final Optional<MappingNode> root;

        private Document(Path path, String text, Optional<MappingNode> root) {
            this.path = path;
            this.text = text;
            this.root = root;
        }

        static Document read(Path file) {
            try {
                Path real = file.toRealPath();
                String text = Files.readString(real, StandardCharsets.UTF_8);
                return new Document(real, text, root(file, text));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        private static Optional<MappingNode> root(Path file, String text) {
            Node node;
            try {
                LoaderOptions options = new LoaderOptions();
                options.setProcessComments(false);
                node = new Yaml(options).compose(new StringReader(text));
            } catch (MarkedYAMLException e) {
                throw new IllegalStateException(file + " is not valid YAML: " + e.getProblem()
                        + Optional.ofNullable(e.getProblemMark()).map(m -> " (line " + (m.getLine() + 1) + ")")
                                .orElse(""));
            }
            if (node == null) {
                return Optional.empty();
            }
            if (!(node instanceof MappingNode mapping)) {
                throw new IllegalStateException(file + " is not a YAML mapping with a users: list");
            }
            return Optional.of(mapping);
        }

        Optional<Node> users() {
            return root.flatMap(mapping -> FileValues.value(mapping, "users"));
        }

        Optional<SequenceNode> usersList() {
            Optional<Node> users = users();
            if (users.isEmpty() || users.get() instanceof SequenceNode) {
                return users.map(SequenceNode.class::cast);
            }
            if (isEmptyScalar(users.get())) {
                return Optional.empty();
            }
            throw new IllegalStateException(path + ": users is not a list");
        }

        List<Entry> entries() {
            List<Entry> entries = new ArrayList<>();
            usersList().ifPresent(list -> list.getValue().forEach(item -> entry(item).ifPresent(entries::add)));
            return entries;
        }

        List<Entry> entriesWith(String username, java.util.function.UnaryOperator<Entry> change) {
            return entries().stream().map(e -> e.username().equals(username) ? change.apply(e) : e).toList();
        }

        private static Optional<Entry> entry(Node item) {
            if (!(item instanceof MappingNode user)) {
                return Optional.empty();
            }
            Optional<String> username = FileValues.value(user, "username")
                    .flatMap(FileValues::scalar);
            if (username.isEmpty()) {
                return Optional.empty();
            }
            String password = FileValues.value(user, "password").flatMap(FileValues::scalar)
                    .orElse(null);
            List<String> roles = FileValues.value(user, "roles").map(node -> node instanceof SequenceNode s
                    ? s.getValue().stream().map(r -> FileValues.scalar(r).orElse("?")).toList()
                    : FileValues.scalar(node).filter(r -> !isEmptyScalar(node)).map(List::of)
                            .orElse(List.of())).orElse(List.of());
            return Optional.of(new Entry(username.get(), password, roles));
        }

        Optional<MappingNode> item(String username) {
            return usersList().flatMap(list -> list.getValue().stream()
                    .filter(item -> entry(item).filter(e -> e.username().equals(username)).isPresent())
                    .map(MappingNode.class::cast).findFirst());
        }

        MappingNode requireItem(String username) {
            if (users().isEmpty() && root.flatMap(r -> FileValues.value(r, "users-file")).isPresent()) {
                throw new IllegalStateException(path + " keeps its users in the file named by users-file: "
                        + "edit that file");
            }
            return item(username).orElseThrow(() -> new IllegalArgumentException(
                    "no user '" + username + "' in " + path));
        }

        /** The text with {@code entry} appended to the list (the list, or the key, created when missing). */
        String append(String entry) {
            Optional<SequenceNode> list = usersList();
            if (list.isEmpty()) {
                if (users().isPresent()) { // "users:" with no value: the list goes on the following lines
                    Node empty = users().get();
                    return ConfigRewrite.apply(text, List.of(new Edit(offset(empty.getStartMark()),
                            offset(empty.getEndMark()), "\n  - " + entry)));
                }
                if (root.flatMap(r -> FileValues.value(r, "users-file")).isPresent()) {
                    throw new IllegalStateException(path + " keeps its users in the file named by users-file: "
                            + "add them there");
                }
                String separator = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
                return text + separator + "users:\n  - " + entry + "\n";
            }
            SequenceNode users = list.get();
            List<Node> items = users.getValue();
            if (users.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW) {
                if (items.isEmpty()) {
                    int close = offset(users.getEndMark()) - 1; // the "]"
                    return ConfigRewrite.apply(text, List.of(new Edit(close, close, entry)));
                }
                int after = offset(items.get(items.size() - 1).getEndMark());
                return ConfigRewrite.apply(text, List.of(new Edit(after, after, ", " + entry)));
            }
            Node last = items.get(items.size() - 1);
            int dash = dash(last);
            int at = endOfLine(contentEnd(last));
            return ConfigRewrite.apply(text, List.of(new Edit(at, at,
                    "\n" + " ".repeat(dash - lineStart(dash)) + "- " + entry)));
        }

        /** The text without the user's item. */
        String withoutItem(String username) {
            SequenceNode users = usersList().orElseThrow();
            List<Node> items = users.getValue();
            MappingNode item = item(username).orElseThrow();
            int index = items.indexOf(item);
            boolean flow = users.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW;
            Edit edit;
            if (items.size() == 1) {
                int start = flow ? offset(users.getStartMark()) : dash(item);
                int end = flow ? offset(users.getEndMark()) : endOfLine(contentEnd(item));
                edit = new Edit(start, end, "[]");
            } else if (flow) {
                edit = index < items.size() - 1
                        ? new Edit(offset(item.getStartMark()), offset(items.get(index + 1).getStartMark()), "")
                        : new Edit(offset(items.get(index - 1).getEndMark()), offset(item.getEndMark()), "");
            } else {
                int end = endOfLine(contentEnd(item));
                edit = new Edit(lineStart(dash(item)), end < text.length() ? end + 1 : end, "");
            }
            return ConfigRewrite.apply(text, List.of(edit));
        }

        /** Replaces a value: a flow scalar or collection exactly, a block collection by its flow form. */
        Edit replace(Node value, String replacement) {
            if (value instanceof ScalarNode scalar && !FileValues.isFlowScalar(scalar)
                    && !isEmptyScalar(scalar)) {
                throw new IllegalStateException(path + ": a block scalar here cannot be edited safely; "
                        + "edit the file by hand");
            }
            int start = offset(value.getStartMark());
            int end = isEmptyScalar(value) ? start : contentEnd(value);
            String prefix = isEmptyScalar(value) && start > 0 && text.charAt(start - 1) == ':' ? " " : "";
            return new Edit(start, end, prefix + replacement);
        }

        /** Adds {@code key: value} to the user's mapping, after its last key. */
        Edit addKey(MappingNode item, String key, String value) {
            List<NodeTuple> tuples = item.getValue();
            if (item.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW) {
                int after = contentEnd(tuples.get(tuples.size() - 1).getValueNode());
                return new Edit(after, after, ", " + key + ": " + value);
            }
            int keyStart = offset(tuples.get(0).getKeyNode().getStartMark());
            int at = endOfLine(contentEnd(item));
            return new Edit(at, at, "\n" + " ".repeat(keyStart - lineStart(keyStart)) + key + ": " + value);
        }

        /** Writes {@code edited} over the file once it reads back as {@code expected}, everything else the same. */
        void replaceWith(String edited, List<Entry> expected) {
            Document after = new Document(path, edited, root(path, edited));
            List<String> keysBefore = new ArrayList<>(keys(root));
            if (!keysBefore.contains("users")) {
                keysBefore.add("users");
            }
            if (!after.entries().equals(expected) || !keys(after.root).equals(keysBefore)) {
                throw new IllegalStateException("cannot edit " + path + " safely (an unusual layout); "
                        + "edit it by hand");
            }
            try {
                ConfigRewrite.writeAtomically(path, edited);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path, e);
            }
        }

        private static List<String> keys(Optional<MappingNode> root) {
            return root.map(r -> r.getValue().stream()
                    .map(tuple -> FileValues.scalar(tuple.getKeyNode()).orElse("?")).toList())
                    .orElse(List.of());
        }

        private static boolean isEmptyScalar(Node node) {
            return node instanceof ScalarNode scalar && scalar.getScalarStyle() == org.yaml.snakeyaml.DumperOptions
                    .ScalarStyle.PLAIN && Set.of("", "~", "null").contains(scalar.getValue());
        }

        /**
         * Where a node's text ends, trailing blanks excluded. A block collection's end mark lies at the next
         * token (possibly lines further down, past comments), so its last child's end is used instead.
         */
        private int contentEnd(Node node) {
            int end;
            if (node instanceof MappingNode m && m.getFlowStyle() != org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW
                    && !m.getValue().isEmpty()) {
                end = contentEnd(m.getValue().get(m.getValue().size() - 1).getValueNode());
            } else if (node instanceof SequenceNode s
                    && s.getFlowStyle() != org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW && !s.getValue().isEmpty()) {
                end = contentEnd(s.getValue().get(s.getValue().size() - 1));
            } else {
                end = offset(node.getEndMark());
            }
            int start = offset(node.getStartMark());
            while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            return end;
        }

        /** The offset of the "-" that introduces a block sequence item. */
        private int dash(Node item) {
            int at = offset(item.getStartMark()) - 1;
            while (at >= 0 && Character.isWhitespace(text.charAt(at))) {
                at--;
            }
            if (at < 0 || text.charAt(at) != '-') {
                throw new IllegalStateException("cannot edit " + path + " safely (an unusual layout); "
                        + "edit it by hand");
            }
            return at;
        }

        private int lineStart(int offset) {
            return text.lastIndexOf('\n', offset - 1) + 1;
        }

        private int endOfLine(int offset) {
            int newline = text.indexOf('\n', offset);
            return newline < 0 ? text.length() : newline;
        }

        private int offset(Mark mark) {
            return text.offsetByCodePoints(0, mark.getIndex());
        }
    }
}
