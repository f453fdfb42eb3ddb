package io.portcullis.lambda;

import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.Passwords;

/** Argon2 hashes with cheap parameters, since a function's config takes hashes only. */
final class Hashes {
    private static final Passwords FAST = new Passwords(new Argon2Params(64, 1, 1));

    private Hashes() {
    }

    static String of(String password) {
        return FAST.hash(password.toCharArray());
    }
}
