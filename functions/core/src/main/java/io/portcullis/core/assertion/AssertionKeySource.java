package io.portcullis.core.assertion;

import java.time.Instant;
import java.util.List;

/** Where the assertion keys come from: the configuration, or the store (generated and rotated there). */
interface AssertionKeySource {
    /** The key that signs at {@code now}. */
    AssertionKey signingKey(Instant now);

    /**
     * The keys published at {@code now}: the signing key, a key about to sign, and keys that stopped signing less
     * than an assertion's lifetime ago (with margins for instances and verifiers that learn of changes late).
     */
    List<AssertionKey> published(Instant now);
}
