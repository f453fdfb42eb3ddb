package io.portcullis.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/** Headers held in a map: for shells whose events already carry a map (Lambda), and for tests. */
public final class MapHeaders implements RequestHeaders {
    private final Map<String, List<String>> byLowerName = new LinkedHashMap<>();
    private final List<String[]> inOrder = new ArrayList<>();

    private MapHeaders() {
    }

    public static MapHeaders empty() {
        return new MapHeaders();
    }

    /** Headers from alternating names and values: {@code of("Host", "example.com", "Accept", "text/plain")}. */
    public static MapHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        MapHeaders headers = new MapHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    public MapHeaders add(String name, String value) {
        byLowerName.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>(1)).add(value);
        inOrder.add(new String[] {name, value});
        return this;
    }

    @Override
    public Optional<String> first(String name) {
        List<String> values = byLowerName.get(name.toLowerCase(Locale.ROOT));
        return values == null ? Optional.empty() : Optional.of(values.getFirst());
    }

    @Override
    public List<String> all(String name) {
        return List.copyOf(byLowerName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
    }

    @Override
    public void forEach(BiConsumer<String, String> action) {
        inOrder.forEach(pair -> action.accept(pair[0], pair[1]));
    }
}
