package io.portcullis.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Terraform module (hcl2json's shape: blocks are arrays, expressions are {@code "${...}"} strings) with
 * the look-ups the checks need.
 */
record Tf(Path dir, JsonNode root) {
    /** {@code aws_x.name}, {@code data.aws_x.name}, {@code random_x.name}, {@code local.name}, {@code var.name}. */
    private static final Pattern REFERENCE = Pattern.compile(
            "(?<![\\w.])((?:data\\.)?(?:aws|random)_[a-z0-9_]+\\.[a-z0-9_]+|local\\.[a-z0-9_]+|var\\.[a-z0-9_]+)");

    static Tf parse(Path dir) {
        return new Tf(dir, Hcl.parse(dir));
    }

    /** The first (only) block of resource {@code type.name}, or a missing node. */
    JsonNode resource(String type, String name) {
        return root.path("resource").path(type).path(name).path(0);
    }

    /** Resources of {@code type}: name to block. */
    Map<String, JsonNode> resources(String type) {
        return blocks(root.path("resource").path(type));
    }

    /** Resource types declared in the module. */
    Set<String> resourceTypes() {
        Set<String> types = new LinkedHashSet<>();
        root.path("resource").fieldNames().forEachRemaining(types::add);
        return types;
    }

    JsonNode data(String type, String name) {
        return root.path("data").path(type).path(name).path(0);
    }

    Map<String, JsonNode> variables() {
        return blocks(root.path("variable"));
    }

    Map<String, JsonNode> outputs() {
        return blocks(root.path("output"));
    }

    Map<String, JsonNode> modules() {
        return blocks(root.path("module"));
    }

    /** Every {@code locals} block merged into one object. */
    JsonNode locals() {
        ObjectNode merged = JsonNodeFactory.instance.objectNode();
        for (JsonNode block : root.path("locals")) {
            merged.setAll((ObjectNode) block);
        }
        return merged;
    }

    JsonNode local(String name) {
        JsonNode value = locals().path(name);
        return value.isMissingNode() ? MissingNode.getInstance() : value;
    }

    private static Map<String, JsonNode> blocks(JsonNode byName) {
        Map<String, JsonNode> result = new LinkedHashMap<>();
        byName.properties().forEach(entry -> result.put(entry.getKey(), entry.getValue().path(0)));
        return result;
    }

    /** A node's text: an expression ({@code ${...}}), a literal, or "" for objects, arrays and missing nodes. */
    static String text(JsonNode node) {
        return node.isValueNode() ? node.asText() : "";
    }

    /** Whether {@code value} is exactly one interpolation of {@code expression}: {@code "${expression}"}. */
    static boolean isExactly(JsonNode value, String expression) {
        return text(value).equals("${" + expression + "}");
    }

    /** The references in every string below {@code node}. */
    static Set<String> references(JsonNode node) {
        Set<String> refs = new LinkedHashSet<>();
        collectStrings(node).forEach(text -> {
            Matcher matcher = REFERENCE.matcher(text);
            while (matcher.find()) {
                refs.add(matcher.group(1));
            }
        });
        return refs;
    }

    /** Every string value below {@code node} (object keys included: hcl2json keeps expressions there too). */
    static List<String> collectStrings(JsonNode node) {
        List<String> out = new ArrayList<>();
        collect(node, out);
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, out));
        } else if (node.isObject()) {
            node.properties().forEach(entry -> {
                out.add(entry.getKey());
                collect(entry.getValue(), out);
            });
        }
    }

    /** A list attribute's strings; a single expression string counts as a one-element list. */
    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> out.add(text(item)));
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(text(node));
        }
        return out;
    }
}
