package io.portcullis.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code log} section: where access and audit lines go. */
final class LogConfig {
    static final Set<String> KEYS = Set.of("type", "access", "loki-url", "loki-labels", "loki-tenant");
    static final String PUSH_PATH = "/loki/api/v1/push";
    /** Loki's label names (Prometheus' rules); {@code app} and {@code log} are the gateway's own. */
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,63}");
    private static final int MAX_LABELS = 10;

    private LogConfig() {
    }

    static LogSettings read(ConfigNode node, ConfigReader reader) {
        if (!node.exists()) {
            return LogSettings.local();
        }
        reader.onlyKnownKeys(node, KEYS);
        LogSettings.Type type = reader.parsed(node.get("type"), text -> {
            try {
                return LogSettings.Type.valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be local, loki or disabled");
            }
        }).orElse(LogSettings.Type.LOCAL);
        boolean access = reader.bool(node.get("access"), true);
        Optional<URI> url = reader.string(node.get("loki-url")).flatMap(text -> pushUrl(node.get("loki-url"), text,
                reader));
        if (type == LogSettings.Type.LOKI && url.isEmpty() && !node.get("loki-url").exists()) {
            reader.problem(node.get("loki-url"), "is required with type: loki (e.g. http://127.0.0.1:3100)");
        }
        return new LogSettings(type, access, url, labels(node.get("loki-labels"), reader),
                reader.string(node.get("loki-tenant")));
    }

    /** The push endpoint: the URL as given, or with Loki's push path when it names only the server. */
    private static Optional<URI> pushUrl(ConfigNode node, String text, ConfigReader reader) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            reader.problem(node, "is not a URL: " + e.getReason());
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            reader.problem(node, "must be an http or https URL with a host (e.g. http://127.0.0.1:3100)");
            return Optional.empty();
        }
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")) {
            uri = uri.resolve(PUSH_PATH);
        }
        return Optional.of(uri);
    }

    private static Map<String, String> labels(ConfigNode node, ConfigReader reader) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (!node.exists()) {
            return labels;
        }
        if (!node.isObject()) {
            reader.problem(node, "must be a map of label names to values (e.g. { instance: gw-1 })");
            return labels;
        }
        for (ConfigNode label : node.children()) {
            String name = label.name();
            if (!LABEL.matcher(name).matches() || name.equals("app") || name.equals("log")) {
                reader.problem(label, "is not a usable label name (letters, digits, _; not app or log)");
                continue;
            }
            reader.string(label).filter(value -> !value.isEmpty() && value.length() <= 256)
                    .ifPresentOrElse(value -> labels.put(name, value),
                            () -> reader.problem(label, "must be a value of 1 to 256 characters"));
        }
        if (labels.size() > MAX_LABELS) {
            reader.problem(node, "at most " + MAX_LABELS + " labels (each one multiplies Loki's streams)");
        }
        return labels;
    }
}
