package io.portcullis.core.config;

import java.util.List;

/**
 * The configuration cannot be used. Lists every problem found, each naming its key, so one run shows them all.
 * Never carries a secret's value.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Each problem, as {@code key: what is wrong}. */
    public List<String> problems() {
        return problems;
    }
}
