package io.portcullis.core.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.RequestHeaders;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A route's regex ACL (ProxyAuth's {@code filters}): every rule must match, else the request is refused (403).
 * A route without rules lets everything through when {@code defaultAllow}, nothing otherwise. Patterns are found
 * anywhere in the value, as ProxyAuth's do ({@code ^…$} anchors them). A header or query rule needs the name
 * present and every value of it matching; a {@code body_json} rule needs a JSON object body with the key, whose
 * value (a string as is, anything else as JSON text) must match.
 *
 * <p>Matching has a step budget: a pattern that backtracks catastrophically on some input refuses the request
 * instead of holding a thread.
 */
public record Filters(boolean defaultAllow, List<Rule> rules) {
    /** No filter: everything passes. */
    public static final Filters NONE = new Filters(true, List.of());
    /** Largest body read for body rules; a larger body is refused with 413. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    /** Characters a pattern may look at per value before the request is refused. */
    static final long MATCH_BUDGET = 2_000_000;

    public enum Field { METHOD, PATH, HEADER, QUERY, BODY_RAW, BODY_JSON }

    /** @param name the header, query parameter or JSON key, for those fields */
    public record Rule(Field field, Pattern pattern, Optional<String> name) {
        public Rule {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(pattern, "pattern");
            boolean named = field == Field.HEADER || field == Field.QUERY || field == Field.BODY_JSON;
            if (named != name.isPresent()) {
                throw new IllegalArgumentException(named ? "needs a name" : "takes no name");
            }
        }
    }

    /** What a request offers the rules; the body is read only if a rule needs it. */
    public record Input(String method, String canonicalPath, String rawQuery, RequestHeaders headers,
            Supplier<byte[]> body) {
    }

    public Filters {
        rules = List.copyOf(rules);
    }

    /** Whether the filter can refuse anything. */
    public boolean active() {
        return !rules.isEmpty() || !defaultAllow;
    }

    public boolean needsBody() {
        return !rules.isEmpty() // most routes have no rules; this runs for every request
                && rules.stream().anyMatch(r -> r.field() == Field.BODY_RAW || r.field() == Field.BODY_JSON);
    }

    /**
     * Whether the request passes.
     *
     * @throws IllegalArgumentException when the query is not valid URL encoding
     */
    public boolean allow(Input input) {
        if (rules.isEmpty()) {
            return defaultAllow;
        }
        try {
            for (Rule rule : rules) {
                if (!matches(rule, input)) {
                    return false;
                }
            }
            return true;
        } catch (BudgetExceeded e) {
            return false;
        }
    }

    private static boolean matches(Rule rule, Input input) {
        return switch (rule.field()) {
            case METHOD -> find(rule, input.method());
            case PATH -> find(rule, input.canonicalPath());
            case HEADER -> all(rule, input.headers().all(rule.name().orElseThrow()));
            case QUERY -> all(rule, queryValues(input.rawQuery(), rule.name().orElseThrow()));
            case BODY_RAW -> find(rule, new String(input.body().get(), StandardCharsets.UTF_8));
            case BODY_JSON -> jsonValue(input, rule.name().orElseThrow()).filter(v -> find(rule, v)).isPresent();
        };
    }

    private static boolean all(Rule rule, List<String> values) {
        return !values.isEmpty() && values.stream().allMatch(value -> find(rule, value));
    }

    private static boolean find(Rule rule, String value) {
        return rule.pattern().matcher(new Budgeted(value)).find();
    }

    private static List<String> queryValues(String rawQuery, String name) {
        List<String> values = new ArrayList<>();
        if (rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                values.add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static Optional<String> jsonValue(Input input, String key) {
        String type = input.headers().first("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json")) {
            return Optional.empty();
        }
        try {
            JsonNode value = io.portcullis.core.Json.tree(input.body().get()).get(key);
            return value == null ? Optional.empty() : Optional.of(value.isTextual() ? value.textValue() : value.toString());
        } catch (IllegalArgumentException notAnObject) {
            return Optional.empty();
        }
    }

    private static final class BudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExceeded() {
            super(null, null, false, false);
        }
    }

    /** A string that stops a regex after {@link #MATCH_BUDGET} character reads. */
    private static final class Budgeted implements CharSequence {
        private final String text;
        private final long[] left;

        Budgeted(String text) {
            this(text, new long[] {MATCH_BUDGET});
        }

        private Budgeted(String text, long[] left) {
            this.text = text;
            this.left = left;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new BudgetExceeded();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text.substring(start, end), left);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
