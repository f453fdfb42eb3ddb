package io.portcullis.core.config;

import io.portcullis.core.route.Filters;
import io.portcullis.core.route.Filters.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads a route's {@code filters}: {@code {default-allow, allow: [{field, pattern, name}]}}. */
final class FilterConfig {
    private FilterConfig() {
    }

    static Filters read(ConfigNode node, ConfigReader reader) {
        if (!node.exists()) {
            return Filters.NONE;
        }
        reader.onlyKnownKeys(node, Set.of("default-allow", "allow"));
        boolean defaultAllow = reader.bool(node.get("default-allow"), false);
        List<Filters.Rule> rules = new ArrayList<>();
        for (ConfigNode rule : reader.nodes(node.get("allow"))) {
            reader.onlyKnownKeys(rule, Set.of("field", "pattern", "name"));
            Optional<Field> field = reader.requiredString(rule.get("field")).flatMap(text -> field(rule, text, reader));
            Optional<Pattern> pattern = reader.requiredString(rule.get("pattern")).flatMap(text -> {
                try {
                    return Optional.of(Pattern.compile(text));
                } catch (PatternSyntaxException e) {
                    reader.problem(rule.get("pattern"), "is not a valid regular expression: "
                            + e.getDescription() + " near index " + e.getIndex());
                    return Optional.empty();
                }
            });
            Optional<String> name = reader.string(rule.get("name"));
            if (field.isPresent() && pattern.isPresent()) {
                try {
                    rules.add(new Filters.Rule(field.get(), pattern.get(), name));
                } catch (IllegalArgumentException e) {
                    reader.problem(rule.get("name"), "field " + field.get().name().toLowerCase(Locale.ROOT)
                            + " " + e.getMessage());
                }
            }
        }
        return new Filters(defaultAllow, rules);
    }

    private static Optional<Field> field(ConfigNode rule, String text, ConfigReader reader) {
        try {
            return Optional.of(Field.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_')));
        } catch (IllegalArgumentException e) {
            reader.problem(rule.get("field"), "must be method, path, header, query, body-raw or body-json");
            return Optional.empty();
        }
    }
}
