package io.portcullis.infra.http1;

import io.portcullis.core.RequestHeaders;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A message's header fields in the order they arrived, one entry per field line, names as sent. Lookups ignore case
 * (field names are case-insensitive); a message has a few dozen fields at most, so a scan beats a map.
 */
public final class HeaderFields implements RequestHeaders {
    private String[] names;
    private String[] values;
    private int size;

    public HeaderFields() {
        this(16);
    }

    HeaderFields(int capacity) {
        names = new String[capacity];
        values = new String[capacity];
    }

    void add(String name, String value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    public int size() {
        return size;
    }

    public String name(int index) {
        return names[index];
    }

    public String value(int index) {
        return values[index];
    }

    /** How many field lines carry this name. */
    public int count(String name) {
        int count = 0;
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public Optional<String> first(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return Optional.of(values[i]);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> all(String name) {
        List<String> all = null;
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                if (all == null) {
                    all = new ArrayList<>(2);
                }
                all.add(values[i]);
            }
        }
        return all == null ? List.of() : all;
    }

    @Override
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(names[i], values[i]);
        }
    }

    /**
     * Whether a comma-separated field (every line of it) lists {@code token}, ignoring case: {@code Connection:
     * keep-alive, Close} lists {@code close}.
     */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name) && Tokens.lists(values[i], token)) {
                return true;
            }
        }
        return false;
    }

    /** Forgets every field, keeping the arrays for the next message on the connection. */
    void clear() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    @Override
    public String toString() {
        // Names only: values may carry credentials.
        return "HeaderFields" + Arrays.toString(Arrays.copyOf(names, size));
    }
}
