package io.portcullis.core.assertion;

import io.portcullis.core.jwt.JwtAlgorithm;
import io.portcullis.core.port.SigningKeyStore;
import io.portcullis.core.port.SigningKeyStore.StoredKey;
import io.portcullis.core.token.SealedKeys;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * ES256 keys the gateway generates into the store, shared by every instance on it, and rotated every
 * {@code key-rotation}:
 *
 * <ol>
 *   <li>When the signing key is older than the rotation period, an instance generates the next key. It is
 *       published at once but signs only after {@link #PUBLISH_DELAY}, by when every instance has read it
 *       ({@link #RELOAD}) and verifiers that cache the JWKS have had time to fetch it again.</li>
 *   <li>The key it replaced stays published until its last assertions have expired: the successor's signing
 *       start, plus what another instance may take to notice, plus an assertion's lifetime, plus a margin.</li>
 * </ol>
 * The very first key signs at once: there is nothing for it to replace. Instances read the keys again at most every
 * {@link #RELOAD}; racing instances may both generate a key, which costs nothing but a second key published.
 */
final class GeneratedAssertionKeys implements AssertionKeySource {
    static final Duration RELOAD = Duration.ofSeconds(10);
    static final Duration PUBLISH_DELAY = Duration.ofMinutes(2);
    static final Duration MARGIN = Duration.ofMinutes(1);

    /** A stored key as this instance could read it: {@code key} signs only if its seal opened here. */
    private record Loaded(StoredKey stored, AssertionKey key) {
        Instant createdAt() {
            return stored.createdAt();
        }
    }

    private record Snapshot(List<Loaded> keys, Instant loadedAt) {
    }

    private final SigningKeyStore store;
    private final SealedKeys sealer;
    private final Duration rotation;
    private final Duration lifetime;
    private final SecureRandom random;
    private volatile Snapshot snapshot = new Snapshot(List.of(), Instant.MIN);
    private final ReentrantLock reloading = new ReentrantLock();

    GeneratedAssertionKeys(SigningKeyStore store, SealedKeys sealer, Duration rotation, Duration lifetime,
            SecureRandom random) {
        this.store = store;
        this.sealer = sealer;
        this.rotation = rotation;
        this.lifetime = lifetime;
        this.random = random;
    }

    @Override
    public AssertionKey signingKey(Instant now) {
        Optional<Loaded> signer = usableSigner(fresh(now), now);
        if (signer.isEmpty()) {
            signer = signer(generate(now).keys(), now);
        }
        return signer.orElseThrow(() -> new IllegalStateException("no generated key opens with these token keys"))
                .key();
    }

    /** The keys to publish; the first key is generated now if there is none yet, so a JWKS is never empty. */
    @Override
    public List<AssertionKey> published(Instant now) {
        signingKey(now);
        List<Loaded> keys = fresh(now).keys();
        List<AssertionKey> published = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            boolean retired = i + 1 < keys.size() && !now.isBefore(keys.get(i + 1).createdAt().plus(PUBLISH_DELAY)
                    .plus(RELOAD).plus(lifetime).plus(MARGIN));
            if (!retired) {
                published.add(keys.get(i).key());
            }
        }
        return published;
    }

    /** The newest key that may sign (published long enough), else the oldest one (the first key ever). */
    private static Optional<Loaded> signer(List<Loaded> keys, Instant now) {
        List<Loaded> signable = keys.stream().filter(k -> k.key().canSign()).toList();
        Optional<Loaded> ready = signable.stream().filter(k -> !k.createdAt().plus(PUBLISH_DELAY).isAfter(now))
                .reduce((older, newer) -> newer);
        return ready.or(() -> signable.stream().findFirst());
    }

    /** Whether the signer is due for replacement and no successor is on its way yet. */
    private boolean due(List<Loaded> keys, Loaded signer, Instant now) {
        return !signer.createdAt().plus(rotation).isAfter(now)
                && keys.stream().noneMatch(k -> k.createdAt().isAfter(signer.createdAt()));
    }

    /** The signer, unless there is none or it is due for replacement with no successor yet: then a key is needed. */
    private Optional<Loaded> usableSigner(Snapshot snapshot, Instant now) {
        return signer(snapshot.keys(), now).filter(signer -> !due(snapshot.keys(), signer, now));
    }

    private synchronized Snapshot generate(Instant now) {
        Snapshot current = snapshot; // another request here may have generated it while this one waited
        if (usableSigner(current, now).isPresent()) {
            return current;
        }
        current = load(now); // or another instance
        if (usableSigner(current, now).isPresent()) {
            return current;
        }
        byte[] id = new byte[6];
        random.nextBytes(id);
        String keyId = "pc-" + HexFormat.of().formatHex(id);
        AssertionKey key = AssertionKey.generate(keyId, random);
        byte[] pkcs8 = key.pkcs8();
        try {
            store.add(new StoredKey(keyId, key.publicJwk().toJSONString(), sealer.seal(pkcs8, keyId), now,
                    now.plus(rotation.multipliedBy(2)).plus(PUBLISH_DELAY).plus(lifetime).plus(Duration.ofDays(1))));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        return load(now);
    }

    /**
     * The keys as last read, read again once they are {@link #RELOAD} old: by one request, while the others go on
     * with the copy they have (a few milliseconds past {@link #RELOAD} changes nothing: a new key waits
     * {@link #PUBLISH_DELAY} before it signs). Before the first read, every request waits for it. Without this,
     * every request of the moment read the store and opened every key itself: with 64 connections on one route,
     * a second-long stall on the first requests and a burst of store reads every ten seconds.
     */
    private Snapshot fresh(Instant now) {
        Snapshot current = snapshot;
        if (current.loadedAt().plus(RELOAD).isAfter(now)) {
            return current;
        }
        boolean neverRead = current.loadedAt().equals(Instant.MIN);
        if (neverRead) {
            reloading.lock();
        } else if (!reloading.tryLock()) {
            return current;
        }
        try {
            current = snapshot;
            return current.loadedAt().plus(RELOAD).isAfter(now) ? current : load(now);
        } finally {
            reloading.unlock();
        }
    }

    private Snapshot load(Instant now) {
        List<Loaded> keys = new ArrayList<>();
        for (StoredKey stored : store.keys()) {
            try {
                Optional<byte[]> pkcs8 = sealer.open(stored.sealedPrivateKey(), stored.keyId());
                AssertionKey key = pkcs8.map(bytes -> AssertionKey.fromPkcs8(stored.keyId(), JwtAlgorithm.ES256, bytes))
                        .orElseGet(() -> AssertionKey.fromPublicJwk(stored.publicJwk()));
                pkcs8.ifPresent(bytes -> Arrays.fill(bytes, (byte) 0));
                keys.add(new Loaded(stored, key));
            } catch (IllegalArgumentException unreadable) {
                // Not a key this gateway wrote, or altered: neither signed with nor published.
            }
        }
        Snapshot loaded = new Snapshot(List.copyOf(keys), now);
        snapshot = loaded;
        return loaded;
    }
}
