package io.portcullis.core.assertion;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys from the configuration: the first with a private key signs, every one is published. A key that signed under
 * the previous configuration and is no longer listed stays published until its last assertion has expired.
 */
final class ConfiguredAssertionKeys implements AssertionKeySource {
    /** A key no longer configured, published until {@code until}. */
    record Retiring(AssertionKey key, Instant until) {
    }

    private final List<AssertionKey> keys;
    private final AssertionKey signing;
    private final List<Retiring> retiring;

    ConfiguredAssertionKeys(List<AssertionKey> keys, List<Retiring> retiring) {
        this.keys = List.copyOf(keys);
        this.signing = keys.stream().filter(AssertionKey::canSign).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no configured key can sign"));
        this.retiring = retiring.stream().filter(r -> keys.stream()
                .noneMatch(k -> k.keyId().equals(r.key().keyId()))).toList();
    }

    @Override
    public AssertionKey signingKey(Instant now) {
        return signing;
    }

    @Override
    public List<AssertionKey> published(Instant now) {
        List<AssertionKey> published = new ArrayList<>(keys);
        retiring.stream().filter(r -> now.isBefore(r.until())).forEach(r -> published.add(r.key()));
        return published;
    }

    /**
     * What a new configuration's keys must keep publishing from this one: the keys retiring here, and the signing
     * key, until {@code retireAt}.
     */
    List<Retiring> retiringAfter(Instant now, Instant retireAt) {
        List<Retiring> carried = new ArrayList<>(retiring.stream().filter(r -> now.isBefore(r.until())).toList());
        carried.add(new Retiring(signing, retireAt));
        return carried;
    }
}
