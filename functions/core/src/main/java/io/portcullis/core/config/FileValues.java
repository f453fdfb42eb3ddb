package io.portcullis.core.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where the values of a configuration file are in its text, found by parsing it in its own syntax: ProxyAuth's
 * {@code config.json} as JSON (tab indentation and CRLF are JSON; a UTF-8 byte order mark is skipped, as JSON
 * readers may), Portcullis's files as YAML. Each value is keyed by its path ({@code users.0.password}) and located by character offsets into the whole
 * text, so that it can be replaced while every other character stays.
 */
final class FileValues {
    /** How a configuration file is written. */
    enum Syntax { JSON, YAML }

    /**
     * A value in the text.
     *
     * @param keyStart where its key starts (the key's opening quote in JSON), for a member of a mapping
     * @param start where the value starts
     * @param end just after the value
     * @param scalar the value, when it is a string (or null, as {@code ""}) that may be replaced in place: a JSON
     *     string or null, a YAML flow scalar; empty for anything else
     */
    record Value(int keyStart, int start, int end, Optional<String> scalar) {
    }

    private static final char BOM = '\uFEFF';
    private static final JsonFactory JSON = new JsonFactory();

    private final String text;
    private final Map<String, Value> values;
    private final int rootStart;

    private FileValues(String text, Map<String, Value> values, int rootStart) {
        this.text = text;
        this.values = values;
        this.rootStart = rootStart;
    }

    /** The file's text as UTF-8, byte order mark included (a rewrite keeps it). */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** {@code text} without a leading byte order mark, which parsers of a string do not expect. */
    static String withoutBom(String text) {
        return text.isEmpty() || text.charAt(0) != BOM ? text : text.substring(1);
    }

    /**
     * Locates the values of {@code text}.
     *
     * @throws ConfigException naming {@code file} and the position, when the text does not parse
     */
    static FileValues parse(String text, Syntax syntax, String file) {
        int bom = text.length() - withoutBom(text).length();
        return syntax == Syntax.JSON ? json(text, bom, file) : yaml(text, file);
    }

    String text() {
        return text;
    }

    Optional<Value> get(String path) {
        return Optional.ofNullable(values.get(path));
    }

    /**
     * An edit adding {@code "key": value} (value written as given) as the root object's last member, laid out as
     * its current last member is (same line break and indentation), so the file reads as if written so.
     */
    ConfigRewrite.Edit appendTopLevel(String key, String jsonValue) {
        Value last = null;
        for (Map.Entry<String, Value> entry : values.entrySet()) {
            if (entry.getKey().indexOf('.') < 0 && (last == null || entry.getValue().keyStart() > last.keyStart())) {
                last = entry.getValue();
            }
        }
        String member = "\"" + key + "\": " + jsonValue;
        if (last == null) {
            return new ConfigRewrite.Edit(rootStart + 1, rootStart + 1, member);
        }
        int before = last.keyStart();
        while (before > rootStart + 1 && Character.isWhitespace(text.charAt(before - 1))) {
            before--;
        }
        String indent = text.substring(before, last.keyStart());
        return new ConfigRewrite.Edit(last.end(), last.end(), "," + (indent.isEmpty() ? " " : indent) + member);
    }

    private static FileValues json(String text, int bom, String file) {
        Map<String, Value> values = new HashMap<>();
        try (JsonParser parser = JSON.createParser(text.substring(bom))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ConfigException(file + ": must hold a JSON object");
            }
            int rootStart = bom + (int) parser.currentTokenLocation().getCharOffset();
            jsonMembers(parser, "", bom, values);
            return new FileValues(text, values, rootStart);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new ConfigException(file + ": is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr()
                    + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The members of the object whose start the parser is on, up to its end. */
    private static void jsonMembers(JsonParser parser, String prefix, int bom, Map<String, Value> values)
            throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            int keyStart = bom + (int) parser.currentTokenLocation().getCharOffset();
            String path = prefix + parser.currentName();
            jsonValue(parser, parser.nextToken(), keyStart, path, bom, values);
        }
    }

    private static void jsonValue(JsonParser parser, JsonToken token, int keyStart, String path, int bom,
            Map<String, Value> values) throws IOException {
        int start = bom + (int) parser.currentTokenLocation().getCharOffset();
        Optional<String> scalar = Optional.empty();
        switch (token) {
            case START_OBJECT -> jsonMembers(parser, path + ".", bom, values);
            case START_ARRAY -> {
                int index = 0;
                JsonToken element;
                while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
                    jsonValue(parser, element, -1, path + "." + index++, bom, values);
                }
            }
            case VALUE_STRING -> scalar = Optional.of(parser.getText());
            case VALUE_NULL -> scalar = Optional.of("");
            default -> parser.getText();
        }
        values.put(path, new Value(keyStart, start, bom + (int) parser.currentLocation().getCharOffset(), scalar));
    }

    private static FileValues yaml(String text, String file) {
        LoaderOptions options = new LoaderOptions();
        options.setProcessComments(false);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            var at = e.getProblemMark();
            throw new ConfigException(file + ": is not valid YAML" + (at == null ? "" : " (line " + (at.getLine() + 1)
                    + ", column " + (at.getColumn() + 1) + ")"));
        }
        Map<String, Value> values = new HashMap<>();
        if (root != null) {
            yamlNode(text, root, -1, "", values);
        }
        return new FileValues(text, values, 0);
    }

    private static void yamlNode(String text, Node node, int keyStart, String path, Map<String, Value> values) {
        switch (node) {
            case MappingNode mapping -> {
                for (NodeTuple tuple : mapping.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode key) {
                        yamlNode(text, tuple.getValueNode(), offset(text, key.getStartMark().getIndex()),
                                (path.isEmpty() ? "" : path + ".") + key.getValue(), values);
                    }
                }
            }
            case SequenceNode sequence -> {
                for (int i = 0; i < sequence.getValue().size(); i++) {
                    yamlNode(text, sequence.getValue().get(i), -1, path + "." + i, values);
                }
            }
            default -> {
            }
        }
        if (!path.isEmpty()) {
            Optional<String> scalar = node instanceof ScalarNode s && isFlowScalar(s)
                    ? Optional.of(s.getValue()) : Optional.empty();
            values.put(path, new Value(keyStart, offset(text, node.getStartMark().getIndex()),
                    offset(text, node.getEndMark().getIndex()), scalar));
        }
    }

    /** SnakeYAML counts code points; edits count UTF-16 characters. */
    private static int offset(String text, int codePoints) {
        return text.offsetByCodePoints(0, codePoints);
    }

    /** Whether a YAML scalar is written on its line (plain or quoted), so it can be replaced by a quoted one. */
    static boolean isFlowScalar(ScalarNode scalar) {
        return switch (scalar.getScalarStyle()) {
            case PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED -> true;
            default -> false;
        };
    }

    /** The value of {@code key} in a YAML mapping. */
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
}
