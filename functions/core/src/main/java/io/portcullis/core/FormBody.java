package io.portcullis.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An {@code application/x-www-form-urlencoded} body, as HTML forms post it. */
final class FormBody {
    private FormBody() {
    }

    /**
     * The body's name-value pairs in order, decoded; a pair without {@code =} has an empty value.
     *
     * @throws IllegalArgumentException when an escape is malformed
     */
    static List<Map.Entry<String, String>> pairs(byte[] body) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            pairs.add(new SimpleImmutableEntry<>(
                    URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
        }
        return pairs;
    }
}
