package io.portcullis.core;

import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A read-only view of a request's headers, adapted by each shell from its own type without copying. Names are
 * case-insensitive.
 */
public interface RequestHeaders {
    /** The first value of the header, if present. */
    Optional<String> first(String name);

    /** Every value of the header, in order; each header line is one element. */
    List<String> all(String name);

    /** Calls {@code action} with each (name, value) pair, in order. */
    void forEach(BiConsumer<String, String> action);
}
