package io.portcullis.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values from the configuration tree and collects every problem, each naming its key, instead of
 * stopping at the first. Values are never echoed in problems: some are secrets.
 */
final class ConfigReader {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    static final String NOT_A_BOOLEAN = "must be true or false";

    private final List<String> problems = new ArrayList<>();

    void problem(ConfigNode node, String message) {
        problems.add(name(node) + ": " + message);
    }

    void problem(String key, String message) {
        problems.add(key + ": " + message);
    }

    List<String> problems() {
        return problems;
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    static String name(ConfigNode node) {
        return node.key();
    }

    Optional<String> string(ConfigNode node) {
        if (!node.exists()) {
            return Optional.empty();
        }
        if (!node.isLeaf()) {
            problem(node, "expected a single value");
            return Optional.empty();
        }
        try {
            return node.asString();
        } catch (ConfigNode.UnresolvedReference e) {
            problem(node, unresolved(e));
            return Optional.empty();
        }
    }

    Optional<String> requiredString(ConfigNode node) {
        Optional<String> value = string(node);
        if (value.isEmpty() && !node.exists()) {
            problem(node, "is required");
        } else if (value.isPresent() && value.get().isBlank()) {
            problem(node, "must not be empty");
            return Optional.empty();
        }
        return value;
    }

    <T> Optional<T> parsed(ConfigNode node, Function<String, T> parser) {
        return string(node).flatMap(text -> {
            try {
                return Optional.of(parser.apply(text.trim()));
            } catch (RuntimeException e) {
                problem(node, e.getMessage());
                return Optional.empty();
            }
        });
    }

    int integer(ConfigNode node, int defaultValue, int min, int max) {
        return parsed(node, Long::parseLong).map(value -> {
            if (value < min || value > max) {
                problem(node, "must be between " + min + " and " + max);
                return defaultValue;
            }
            return value.intValue();
        }).orElse(defaultValue);
    }

    double number(ConfigNode node, double defaultValue, double min, double max) {
        return parsed(node, Double::parseDouble).map(value -> {
            if (!(value >= min && value <= max)) {
                problem(node, "must be between " + min + " and " + max);
                return defaultValue;
            }
            return value;
        }).orElse(defaultValue);
    }

    boolean bool(ConfigNode node, boolean defaultValue) {
        return parsed(node, ConfigReader::parseBoolean).orElse(defaultValue);
    }

    /**
     * The one rule for every boolean key, in Portcullis's YAML and in ProxyAuth's files alike: {@code true} or
     * {@code false} (any case); anything else is refused rather than read as false, so {@code secure: flase} or
     * {@code proxy: maybe} cannot pass unnoticed.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    static boolean parseBoolean(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(NOT_A_BOOLEAN);
        };
    }

    /** A list of strings; a single value is split on commas, as environment variables give lists. */
    List<String> strings(ConfigNode node) {
        if (!node.exists()) {
            return List.of();
        }
        if (node.isLeaf()) {
            return string(node).map(text -> Arrays.stream(text.split(",")).map(String::trim)
                    .filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        }
        List<String> values = new ArrayList<>();
        for (ConfigNode element : nodes(node)) {
            string(element).ifPresent(values::add);
        }
        return values;
    }

    /** The elements of a list node, or a problem if the node is not a list. */
    List<ConfigNode> nodes(ConfigNode node) {
        if (!node.exists()) {
            return List.of();
        }
        if (!node.isList()) {
            problem(node, "expected a list");
            return List.of();
        }
        return node.children();
    }

    /**
     * A duration under {@code name} (ISO-8601 such as {@code PT2S}, or {@code 500ms}, {@code 2s}, {@code 1m},
     * {@code 1h}), or {@code name-ms}, or {@code name-seconds}; at most one of the three.
     */
    Duration duration(ConfigNode parent, String name, Duration defaultValue) {
        ConfigNode plain = parent.get(name);
        ConfigNode millis = parent.get(name + "-ms");
        ConfigNode seconds = parent.get(name + "-seconds");
        int set = (plain.exists() ? 1 : 0) + (millis.exists() ? 1 : 0) + (seconds.exists() ? 1 : 0);
        if (set > 1) {
            problem(plain, "set only one of " + name + ", " + name + "-ms, " + name + "-seconds");
            return defaultValue;
        }
        Optional<Duration> value = millis.exists()
                ? parsed(millis, text -> Duration.ofMillis(nonNegative(Long.parseLong(text))))
                : seconds.exists()
                        ? parsed(seconds, text -> Duration.ofSeconds(nonNegative(Long.parseLong(text))))
                        : parsed(plain, ConfigReader::parseDuration);
        return value.orElse(defaultValue);
    }

    private static long nonNegative(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
        return value;
    }

    static Duration parseDuration(String text) {
        Matcher simple = SIMPLE_DURATION.matcher(text);
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            return switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            Duration duration = Duration.parse(text);
            if (duration.isNegative()) {
                throw new IllegalArgumentException("must not be negative");
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("is not a duration (use e.g. 500ms, 2s, 1m or PT2S)");
        }
    }

    /** Reports every child key of {@code node} that is not in {@code known}: a typo must not pass silently. */
    void onlyKnownKeys(ConfigNode node, Set<String> known) {
        if (!node.exists() || !node.isObject()) {
            return;
        }
        node.children().forEach(child -> {
            if (!known.contains(child.name())) {
                problem(child, "unknown key (known here: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        });
    }

    private static String unresolved(ConfigNode.UnresolvedReference e) {
        return "refers to ${" + e.reference() + "}, which is not set (no such environment variable or key)";
    }
}
