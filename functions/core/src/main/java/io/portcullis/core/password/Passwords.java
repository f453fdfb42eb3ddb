package io.portcullis.core.password;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Factory.Argon2Types;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2 password hashes in PHC string form ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), through the
 * reference C implementation (argon2-jvm). New hashes are Argon2id with the configured parameters; verification
 * accepts any Argon2 variant and the parameters written in the hash, as ProxyAuth's hashes need.
 */
public final class Passwords {
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PARAMETERS = Pattern.compile(
            "\\$(argon2id|argon2i|argon2d)\\$(?:v=\\d+\\$)?m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$");

    private final Argon2Params params;

    /**
     * The native library, loaded on the first hash or check rather than with the gateway: a Lambda authorizer or
     * forwarder never checks a password, and loading it costs their cold start.
     */
    private static final class Native {
        static final Argon2 ARGON2ID = Argon2Factory.create(Argon2Types.ARGON2id, SALT_BYTES, HASH_BYTES);
        static final Argon2 ARGON2I = Argon2Factory.create(Argon2Types.ARGON2i, SALT_BYTES, HASH_BYTES);
        static final Argon2 ARGON2D = Argon2Factory.create(Argon2Types.ARGON2d, SALT_BYTES, HASH_BYTES);
    }

    public Passwords(Argon2Params params) {
        this.params = Objects.requireNonNull(params, "params");
    }

    /** Whether {@code text} is an Argon2 PHC string rather than a plaintext password. */
    public static boolean isHash(String text) {
        return text.startsWith("$argon2id$") || text.startsWith("$argon2i$") || text.startsWith("$argon2d$");
    }

    /** Hashes {@code password} with a fresh random salt, then wipes the array. */
    public String hash(char[] password) {
        try {
            return Native.ARGON2ID.hash(params.iterations(), params.memoryKib(), params.parallelism(), password);
        } finally {
            Native.ARGON2ID.wipeArray(password);
        }
    }

    /**
     * A hash of {@code password} made with the same Argon2 variant and parameters as {@code phcHash} (which must be
     * an Argon2 PHC string), so that verifying against it costs what verifying against {@code phcHash} costs. Wipes
     * the array.
     *
     * @throws IllegalArgumentException when {@code phcHash} is not an Argon2 PHC string
     */
    public String hashLike(String phcHash, char[] password) {
        Matcher m = PARAMETERS.matcher(phcHash);
        if (!m.lookingAt()) {
            Native.ARGON2ID.wipeArray(password);
            throw new IllegalArgumentException("not an Argon2 PHC string");
        }
        Argon2 variant = switch (m.group(1)) {
            case "argon2i" -> Native.ARGON2I;
            case "argon2d" -> Native.ARGON2D;
            default -> Native.ARGON2ID;
        };
        try {
            return variant.hash(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(4)), password);
        } finally {
            Native.ARGON2ID.wipeArray(password);
        }
    }

    /** The variant and parameters new hashes get, written as {@link #parameters(String)} writes a hash's. */
    public String parameters() {
        return "argon2id m=" + params.memoryKib() + ",t=" + params.iterations() + ",p=" + params.parallelism();
    }

    /**
     * The variant and cost parameters of an Argon2 PHC string ({@code argon2id m=19456,t=2,p=1}); empty for
     * anything else.
     */
    public static Optional<String> parameters(String phcHash) {
        Matcher m = PARAMETERS.matcher(phcHash);
        return m.lookingAt() ? Optional.of(m.group(1) + " m=" + m.group(2) + ",t=" + m.group(3) + ",p="
                + m.group(4)) : Optional.empty();
    }

    /**
     * Whether {@code password} matches {@code phcHash}; a malformed hash never matches. Wipes the array.
     */
    public boolean verify(String phcHash, char[] password) {
        try {
            Argon2 variant = phcHash.startsWith("$argon2id$") ? Native.ARGON2ID
                    : phcHash.startsWith("$argon2i$") ? Native.ARGON2I
                    : phcHash.startsWith("$argon2d$") ? Native.ARGON2D
                    : null;
            return variant != null && variant.verify(phcHash, password);
        } catch (RuntimeException malformed) {
            return false;
        } finally {
            Native.ARGON2ID.wipeArray(password);
        }
    }
}
