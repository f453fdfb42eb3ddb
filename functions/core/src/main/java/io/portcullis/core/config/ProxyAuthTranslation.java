package io.portcullis.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What ProxyAuth's files translate into: the Portcullis configuration tree, where each of its keys came from,
 * and the problems and warnings found on the way.
 */
final class ProxyAuthTranslation {
    final ObjectNode tree = JsonNodeFactory.instance.objectNode();
    /** Portcullis key → the ProxyAuth file and key it came from, for problem messages. */
    final Map<String, String> origins = new LinkedHashMap<>();
    /** Portcullis key → what to add to a problem with it, when the fix differs for ProxyAuth's files. */
    final Map<String, String> hints = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    /** Copies {@code from.key} to {@code to.name} and records where it came from. */
    void copy(ObjectNode from, String key, ObjectNode to, String name, String parentPath, String origin) {
        JsonNode value = from.get(key);
        if (value == null || value.isNull()) {
            return;
        }
        to.set(name, value);
        origins.put(parentPath + "." + name, origin + key);
    }

    /**
     * The boolean at {@code from.key}, by the rule every boolean key follows ({@link ConfigReader#parseBoolean});
     * anything else is a problem naming {@code origin + key}, and empty, as is a key that is absent or null.
     */
    Optional<Boolean> bool(ObjectNode from, String key, String origin) {
        JsonNode value = from.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        try {
            if (value.isBoolean() || value.isTextual()) {
                return Optional.of(ConfigReader.parseBoolean(value.asText()));
            }
        } catch (IllegalArgumentException notABoolean) {
            // reported below
        }
        problems.add(origin + key + ": " + ConfigReader.NOT_A_BOOLEAN);
        return Optional.empty();
    }

    /** Copies the boolean {@code from.key} to {@code to.name}, as {@link #copy} does, if it is one. */
    void copyBool(ObjectNode from, String key, ObjectNode to, String name, String parentPath, String origin) {
        bool(from, key, origin).ifPresent(value -> {
            to.put(name, value);
            origins.put(parentPath + "." + name, origin + key);
        });
    }

    /**
     * A Portcullis problem (or warning) renamed after the ProxyAuth key it came from (the longest recorded
     * prefix), with the hint recorded for its key.
     */
    String named(String problem) {
        int colon = problem.indexOf(": ");
        if (colon < 0) {
            return problem;
        }
        String key = problem.substring(0, colon);
        String hint = hints.containsKey(key) ? " " + hints.get(key) : "";
        return renamed(problem, key, colon) + hint;
    }

    private String renamed(String problem, String key, int colon) {
        String best = null;
        for (String candidate : origins.keySet()) {
            if ((key.equals(candidate) || key.startsWith(candidate + "."))
                    && (best == null || candidate.length() > best.length())) {
                best = candidate;
            }
        }
        if (best == null) {
            return (key.startsWith("routes") ? ProxyAuthRoutes.ROUTES : ProxyAuthFiles.CONFIG) + problem;
        }
        return origins.get(best) + key.substring(best.length()) + problem.substring(colon);
    }
}
