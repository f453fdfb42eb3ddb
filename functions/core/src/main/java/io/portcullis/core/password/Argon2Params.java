package io.portcullis.core.password;

/**
 * Argon2id cost parameters for new hashes. Existing hashes carry their own parameters and verify with those.
 * The defaults are OWASP's minimum: 19 MiB, 2 passes, 1 lane.
 */
public record Argon2Params(int memoryKib, int iterations, int parallelism) {
    public static final Argon2Params DEFAULT = new Argon2Params(19456, 2, 1);

    public Argon2Params {
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be 1..64");
        }
        if (memoryKib < 8 * parallelism || memoryKib > 4 * 1024 * 1024) {
            throw new IllegalArgumentException("memory-kib must be between 8 × parallelism and 4194304");
        }
        if (iterations < 1 || iterations > 100) {
            throw new IllegalArgumentException("iterations must be 1..100");
        }
    }
}
