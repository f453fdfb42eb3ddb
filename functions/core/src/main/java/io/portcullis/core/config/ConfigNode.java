package io.portcullis.core.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One node of a configuration tree: a value, an object of named children, a list of children (named by index), or
 * missing. Keys are dotted paths ({@code routes.0.prefix}), as every problem names them.
 *
 * <p>Built from a YAML document, read as Helidon's config read it before (SnakeYAML's safe constructor, every scalar
 * as its text, a null as empty; a JSON document, which is YAML too, without the YAML parser), with flat
 * {@code key=value} overrides laid over it (environment variables with
 * their aliases, see {@link ConfigLoader#withAliases}). A value may refer to another key, or to an environment
 * variable by its own name, with {@code ${NAME}}; references are resolved when the value is read, and one to nothing
 * is an {@link UnresolvedReference} when the tree is strict (the gateway's configuration) or left as written when it
 * is not (a users or routes file, read on its own).
 *
 * <p>The gateway's own tree rather than Helidon's config: Helidon's builder, mappers and services cost a Lambda
 * function a quarter of a second of its cold start, for a tree this small.
 */
public final class ConfigNode {
    private enum Kind { MISSING, VALUE, OBJECT, LIST }

    private static final int MAX_REFERENCE_DEPTH = 16;
    private static final JsonFactory JSON = new JsonFactory();
    private static final Object NOT_JSON = new Object();

    private final Tree tree;
    private final String key;
    private final String name;
    private final Kind kind;
    private final String value;
    private final Map<String, ConfigNode> children;

    private ConfigNode(Tree tree, String key, String name, Kind kind, String value,
            Map<String, ConfigNode> children) {
        this.tree = tree;
        this.key = key;
        this.name = name;
        this.kind = kind;
        this.value = value;
        this.children = children;
    }

    /**
     * What the whole tree shares: the document it was read from, its root (for references), and whether a reference
     * to nothing is an error.
     */
    private static final class Tree {
        private final Map<?, ?> document;
        private final boolean strict;
        private ConfigNode root;

        Tree(Map<?, ?> document, boolean strict) {
            this.document = document;
            this.strict = strict;
        }
    }

    /** A value that refers ({@code ${NAME}}) to a key or variable that is not set. */
    public static final class UnresolvedReference extends RuntimeException {
        private final String reference;

        UnresolvedReference(String reference) {
            super("no value for ${" + reference + "}");
            this.reference = reference;
        }

        public String reference() {
            return reference;
        }
    }

    /** The empty tree: every key in it is missing. */
    public static ConfigNode empty() {
        return of(Map.of(), Map.of(), false);
    }

    /**
     * The tree of a YAML document ({@code yaml}, of which JSON is a part) with {@code overrides} laid over it.
     *
     * @param strict whether a reference to nothing is an error when read, or is left as written
     * @throws ConfigException naming {@code origin} when the text is not YAML or not a mapping
     */
    public static ConfigNode parse(String yaml, String origin, Map<String, String> overrides, boolean strict) {
        Object document = json(yaml);
        if (document == NOT_JSON) {
            document = YamlDocument.read(yaml, origin);
        }
        if (document != null && !(document instanceof Map<?, ?>)) {
            throw new ConfigException(origin + ": expected a mapping of keys to values at the top");
        }
        return of(document == null ? Map.of() : (Map<?, ?>) document, overrides, strict);
    }

    /**
     * A document that is JSON (as Terraform writes a function's configuration), read by Jackson's parser into what
     * the YAML parser would have made of it (JSON is YAML), every scalar as its text: a cold Lambda function then
     * never loads the YAML parser, about 150 ms of its init. Anything else, {@link #NOT_JSON}.
     */
    private static Object json(String text) {
        if (!text.stripLeading().startsWith("{")) {
            return NOT_JSON;
        }
        try (JsonParser parser = JSON.createParser(text)) {
            parser.nextToken();
            Object document = jsonValue(parser);
            return parser.nextToken() == null ? document : NOT_JSON;
        } catch (IOException e) {
            return NOT_JSON;
        }
    }

    private static Object jsonValue(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.put(name, jsonValue(parser));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(jsonValue(parser));
                }
                return list;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> {
                return parser.getText();
            }
        }
    }

    /**
     * YAML read by SnakeYAML. A class of its own so that the YAML parser's classes are loaded only when a document
     * is not JSON (the verifier of a class loads the exception types its methods catch).
     */
    private static final class YamlDocument {
        static Object read(String yaml, String origin) {
            try {
                return new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
            } catch (YAMLException e) {
                throw new ConfigException(origin + ": not valid YAML ("
                        + e.getMessage().lines().findFirst().orElse("") + ")");
            }
        }
    }

    private static ConfigNode of(Map<?, ?> document, Map<String, String> overrides, boolean strict) {
        Tree tree = new Tree(document, strict);
        Overlay root = new Overlay(null);
        overrides.forEach((dotted, text) -> {
            Map<String, Object> parent = root.children;
            String[] names = dotted.split("\\.", -1);
            for (int i = 0; i < names.length - 1; i++) {
                Object existing = parent.get(names[i]);
                Overlay node = existing instanceof Overlay below ? below
                        : new Overlay(existing instanceof String leaf ? leaf : null);
                parent.put(names[i], node);
                parent = node.children;
            }
            String last = names[names.length - 1];
            if (parent.get(last) instanceof Overlay node) {
                node.value = text;
            } else {
                parent.put(last, text);
            }
        });
        tree.root = build(tree, "", "", document, root);
        return tree.root;
    }

    /** An overriding subtree: its own value, if any, and the keys below it. */
    private static final class Overlay {
        private String value;
        private final Map<String, Object> children = new LinkedHashMap<>();

        Overlay(String value) {
            this.value = value;
        }
    }

    /**
     * The node at {@code key} (named {@code name} in its parent) from the document's {@code written} value and the
     * overrides' {@code over} (a value, an {@link Overlay} subtree, or null): an overriding value replaces whatever
     * was written (a list given as one comma-separated variable, for instance); an overriding subtree merges into an
     * object or a list.
     */
    private static ConfigNode build(Tree tree, String key, String name, Object written, Object over) {
        if (over instanceof String text) {
            return new ConfigNode(tree, key, name, Kind.VALUE, text, Map.of());
        }
        Overlay overrides = (Overlay) over;
        Map<String, ConfigNode> children = new LinkedHashMap<>();
        Kind kind;
        if (written instanceof List<?> list) {
            kind = Kind.LIST;
            for (int i = 0; i < list.size(); i++) {
                String index = Integer.toString(i);
                children.put(index, build(tree, child(key, index), index, list.get(i),
                        overrides == null ? null : overrides.children.get(index)));
            }
        } else if (written instanceof Map<?, ?> map) {
            kind = Kind.OBJECT;
            map.forEach((field, value) -> {
                String text = String.valueOf(field);
                children.put(text, build(tree, child(key, text), text, value,
                        overrides == null ? null : overrides.children.get(text)));
            });
        } else if (overrides == null) {
            return new ConfigNode(tree, key, name, Kind.VALUE, written == null ? "" : written.toString(), Map.of());
        } else {
            kind = Kind.OBJECT;
        }
        if (overrides != null) {
            overrides.children.forEach((overridden, value) -> children.computeIfAbsent(overridden,
                    absent -> build(tree, child(key, overridden), overridden, null, value)));
        }
        String ownValue = overrides != null && overrides.value != null ? overrides.value
                : written != null && !(written instanceof List<?>) && !(written instanceof Map<?, ?>)
                        ? written.toString() : null;
        return new ConfigNode(tree, key, name, kind, ownValue, Collections.unmodifiableMap(children));
    }

    private static String child(String key, String name) {
        return key.isEmpty() ? name : key + "." + name;
    }

    /**
     * The whole document this tree was read from, as the user wrote it: without the overrides, references left as
     * they are. What the unknown-key check reads, from the same text as the tree (not read again).
     */
    public ConfigNode written() {
        return of(tree.document, Map.of(), false);
    }

    /** The node at {@code path} (dotted) below this one; a missing node if there is none. */
    public ConfigNode get(String path) {
        ConfigNode node = this;
        for (String part : path.split("\\.", -1)) {
            ConfigNode next = node.children.get(part);
            if (next == null) {
                return new ConfigNode(tree, child(key, path), path.substring(path.lastIndexOf('.') + 1),
                        Kind.MISSING, null, Map.of());
            }
            node = next;
        }
        return node;
    }

    /** The full dotted key, {@code ""} for the root. */
    public String key() {
        return key;
    }

    /** The last part of the key: a name in an object, an index in a list. */
    public String name() {
        return name;
    }

    public boolean exists() {
        return kind != Kind.MISSING;
    }

    public boolean isLeaf() {
        return kind == Kind.VALUE;
    }

    public boolean isList() {
        return kind == Kind.LIST;
    }

    public boolean isObject() {
        return kind == Kind.OBJECT;
    }

    /** The children of an object or a list, in order; none for a value or a missing node. */
    public List<ConfigNode> children() {
        return List.copyOf(children.values());
    }

    /** This node and every node below it, depth first. */
    public Stream<ConfigNode> traverse() {
        return children.values().stream().flatMap(child -> Stream.concat(Stream.of(child), child.traverse()));
    }

    /**
     * The value, references resolved; empty for a missing node, an object or a list.
     *
     * @throws UnresolvedReference when the tree is strict and a reference names nothing
     */
    public Optional<String> asString() {
        return kind == Kind.VALUE ? Optional.of(resolve(value, 0)) : Optional.empty();
    }

    private String resolve(String text, int depth) {
        int start = text.indexOf("${");
        if (start < 0) {
            return text;
        }
        StringBuilder resolved = new StringBuilder(text.length());
        int from = 0;
        while (start >= 0) {
            int end = text.indexOf('}', start + 2);
            if (end < 0) {
                break;
            }
            String reference = text.substring(start + 2, end);
            resolved.append(text, from, start).append(lookUp(reference, depth));
            from = end + 1;
            start = text.indexOf("${", from);
        }
        return resolved.append(text, from, text.length()).toString();
    }

    private String lookUp(String reference, int depth) {
        ConfigNode target = tree.root.get(reference);
        if (target.isLeaf() && depth < MAX_REFERENCE_DEPTH) {
            return target.resolve(target.value, depth + 1);
        }
        if (tree.strict) {
            throw new UnresolvedReference(reference);
        }
        return "${" + reference + "}";
    }

    @Override
    public String toString() {
        return key.isEmpty() ? "(root)" : key;
    }
}
