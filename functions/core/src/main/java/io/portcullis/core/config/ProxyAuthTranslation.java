package io.portcullis.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ProxyAuth's files translate into: the Portcullis configuration tree, where each of its keys came from,
 * and the problems and warnings found on the way.
 */
final class ProxyAuthTranslation {
    final ObjectNode tree = JsonNodeFactory.instance.objectNode();
    /** Portcullis key → the ProxyAuth file and key it came from, for problem messages. */
    final Map<String, String> origins = new LinkedHashMap<>();
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

    /** A Portcullis problem renamed after the ProxyAuth key it came from (the longest recorded prefix). */
    String named(String problem) {
        int colon = problem.indexOf(": ");
        if (colon < 0) {
            return problem;
        }
        String key = problem.substring(0, colon);
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
