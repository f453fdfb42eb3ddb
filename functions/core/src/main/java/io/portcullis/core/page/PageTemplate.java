package io.portcullis.core.page;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A page template: markup with {@code {{field}}} (the field's text, HTML-escaped), {@code {{#field}}…{{/field}}}
 * (shown when the field is set: a true condition, or non-empty text), {@code {{^field}}…{{/field}}} (shown when it
 * is not) and {@code {{! comments }}}. The subset of Mustache a page needs and nothing that could smuggle markup
 * in: there is no unescaped output, no partial, no list, no lookup beyond the fields the page offers.
 *
 * <p>Parsing checks everything a render could trip over, so a bad template stops startup rather than a sign-in:
 * a field the page does not offer, a condition written as a value, a section closed by the wrong name or never
 * closed, a {@code {{} without its {@code }}}. Each {@link TemplateException} names the template and the line.
 */
public final class PageTemplate {
    /** A template that cannot be used; the message names the template and the line. */
    public static final class TemplateException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TemplateException(String template, int line, String message) {
            super(template + (line > 0 ? " line " + line : "") + ": " + message);
        }
    }

    /**
     * What a template may name.
     *
     * @param texts fields that hold text, written with {@code {{name}}} or tested with a section
     * @param conditions fields that are true or false, tested with {@code {{#name}}} or {@code {{^name}}} only
     */
    public record Fields(Set<String> texts, Set<String> conditions) {
        public Fields {
            texts = Set.copyOf(texts);
            conditions = Set.copyOf(conditions);
        }

        boolean offers(String name) {
            return texts.contains(name) || conditions.contains(name);
        }

        Set<String> all() {
            Set<String> all = new TreeSet<>(texts);
            all.addAll(conditions);
            return all;
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private sealed interface Node permits Text, Value, Section {
    }

    private record Text(String text) implements Node {
    }

    private record Value(String field) implements Node {
    }

    private record Section(String field, boolean inverted, List<Node> body) implements Node {
    }

    private final String name;
    private final Fields fields;
    private final List<Node> nodes;
    private final Set<String> named;

    private PageTemplate(String name, Fields fields, List<Node> nodes, Set<String> named) {
        this.name = name;
        this.fields = fields;
        this.nodes = nodes;
        this.named = Set.copyOf(named);
    }

    /**
     * Parses {@code source}.
     *
     * @param name what errors call the template (its file name)
     * @throws TemplateException if the template names a field {@code fields} does not offer, or is malformed
     */
    public static PageTemplate parse(String name, String source, Fields fields) {
        Deque<Open> open = new ArrayDeque<>();
        open.push(new Open(null, false, 0, new ArrayList<>()));
        Set<String> named = new LinkedHashSet<>();
        int at = 0;
        int line = 1;
        while (at < source.length()) {
            int start = source.indexOf("{{", at);
            if (start < 0) {
                open.peek().body.add(new Text(source.substring(at)));
                break;
            }
            if (start > at) {
                open.peek().body.add(new Text(source.substring(at, start)));
            }
            line += newlines(source, at, start);
            int end = source.indexOf("}}", start + 2);
            if (end < 0) {
                throw new TemplateException(name, line, "'{{' is never closed with '}}'");
            }
            String tag = source.substring(start + 2, end).strip();
            tag(name, line, tag, fields, open, named);
            line += newlines(source, start, end);
            at = end + 2;
        }
        Open last = open.pop();
        if (!open.isEmpty()) {
            throw new TemplateException(name, last.line, "{{" + (last.inverted ? "^" : "#") + last.field
                    + "}} is never closed with {{/" + last.field + "}}");
        }
        return new PageTemplate(name, fields, List.copyOf(last.body), named);
    }

    /** A section being read: its field, and the nodes inside it so far. */
    private record Open(String field, boolean inverted, int line, List<Node> body) {
    }

    private static void tag(String template, int line, String tag, Fields fields, Deque<Open> open,
            Set<String> named) {
        if (tag.startsWith("!")) {
            return;
        }
        char kind = tag.isEmpty() ? ' ' : tag.charAt(0);
        String field = switch (kind) {
            case '#', '^', '/' -> tag.substring(1).strip();
            case '{', '&' -> throw new TemplateException(template, line, "{{" + tag + "}}: unescaped output is "
                    + "not offered; write {{name}}, which is HTML-escaped");
            case '>', '=' -> throw new TemplateException(template, line, "{{" + tag + "}}: partials and delimiter "
                    + "changes are not offered");
            default -> tag;
        };
        if (!NAME.matcher(field).matches() || !fields.offers(field)) {
            throw new TemplateException(template, line, "unknown field {{" + tag + "}} (the page offers: "
                    + String.join(", ", fields.all()) + ")");
        }
        named.add(field);
        switch (kind) {
            case '#', '^' -> open.push(new Open(field, kind == '^', line, new ArrayList<>()));
            case '/' -> {
                Open closing = open.peek();
                if (closing.field == null || !closing.field.equals(field)) {
                    throw new TemplateException(template, line, "{{/" + field + "}} closes "
                            + (closing.field == null ? "no open section" : "{{#" + closing.field + "}}, opened on line "
                                    + closing.line));
                }
                open.pop();
                open.peek().body.add(new Section(field, closing.inverted, List.copyOf(closing.body)));
            }
            default -> {
                if (fields.conditions().contains(field)) {
                    throw new TemplateException(template, line, field + " is a condition: use {{#" + field
                            + "}}…{{/" + field + "}} or {{^" + field + "}}…{{/" + field + "}}");
                }
                open.peek().body.add(new Value(field));
            }
        }
    }

    private static int newlines(String text, int from, int to) {
        int count = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                count++;
            }
        }
        return count;
    }

    /** Every field the template names (in a value or a section). */
    public Set<String> named() {
        return named;
    }

    /** The template's name, as errors give it. */
    public String name() {
        return name;
    }

    /**
     * The page for these values: text fields as {@link String}, conditions as {@link Boolean}; a field without a
     * value is empty text, or false.
     *
     * @throws IllegalArgumentException if {@code values} holds a field the template's page does not offer (a
     *     mistake in the code that fills it, never in a template)
     */
    public String render(Map<String, ?> values) {
        for (String key : values.keySet()) {
            if (!fields.offers(key)) {
                throw new IllegalArgumentException("no field " + key + " in " + name);
            }
        }
        StringBuilder out = new StringBuilder(4096);
        render(nodes, values, out);
        return out.toString();
    }

    private static void render(List<Node> nodes, Map<String, ?> values, StringBuilder out) {
        for (Node node : nodes) {
            switch (node) {
                case Text text -> out.append(text.text());
                case Value value -> escape(String.valueOf(values.containsKey(value.field())
                        ? values.get(value.field()) : ""), out);
                case Section section -> {
                    if (isSet(values.get(section.field())) != section.inverted()) {
                        render(section.body(), values, out);
                    }
                }
            }
        }
    }

    private static boolean isSet(Object value) {
        return value instanceof Boolean flag ? flag : value instanceof String text && !text.isEmpty();
    }

    /** HTML escaping for text and for attribute values in either kind of quotes. */
    static void escape(String text, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
    }
}
