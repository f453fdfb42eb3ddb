package io.portcullis.core.assertion;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Fixtures;
import io.portcullis.core.MutableClock;
import io.portcullis.core.memory.InMemorySigningKeys;
import io.portcullis.core.memory.StaticKeyRing;
import io.portcullis.core.port.SigningKeyStore;
import io.portcullis.core.token.SealedKeys;
import io.portcullis.core.token.SecretBytes;
import io.portcullis.core.token.TokenKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The generated keys are read from the store by one request at a time, not by every request of the moment. */
class GeneratedAssertionKeysTest {
    private final SecureRandom random = new SecureRandom();
    private final MutableClock clock = MutableClock.startingNow();
    private final CountingStore store = new CountingStore(new InMemorySigningKeys(clock));
    private final GeneratedAssertionKeys keys = new GeneratedAssertionKeys(store,
            new SealedKeys(StaticKeyRing.of(TokenKey.derive("k1",
                    SecretBytes.copyOf(Fixtures.SECRET.getBytes(StandardCharsets.UTF_8)))), random),
            Duration.ofDays(1), Duration.ofSeconds(60), random);

    @Test
    void whenTheCopyIsDue_oneRequestReadsTheStore_theOthersSignWithTheCopyTheyHave() throws Exception {
        String first = keys.signingKey(clock.instant()).keyId();
        clock.advance(GeneratedAssertionKeys.RELOAD);
        store.reads.set(0);
        store.hold = new CountDownLatch(1);

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> reader = threads.submit(() -> keys.signingKey(clock.instant()).keyId());
            assertThat(store.readStarted.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<String>> others = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                others.add(threads.submit(() -> keys.signingKey(clock.instant()).keyId()));
            }
            for (Future<String> other : others) {
                assertThat(other.get(10, TimeUnit.SECONDS)).as("signed without waiting for the read").isEqualTo(first);
            }
            store.hold.countDown();
            assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(first);
        }
        assertThat(store.reads).as("one read of the store for 33 requests").hasValue(1);
    }

    @Test
    void beforeTheFirstRead_everyRequestWaitsForOne_andNoneReadsAgain() throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> all = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                all.add(threads.submit(() -> keys.signingKey(clock.instant()).keyId()));
            }
            String keyId = all.getFirst().get(10, TimeUnit.SECONDS);
            for (Future<String> one : all) {
                assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo(keyId);
            }
        }
        // As for one request alone: the first read finds no key; generating reads once more (another instance may
        // have made one) and once after adding it. Without the single read, every request read and generated.
        assertThat(store.reads).hasValue(3);
    }

    /** A store that counts its reads and can hold one in progress. */
    private static final class CountingStore implements SigningKeyStore {
        private final SigningKeyStore delegate;
        final AtomicInteger reads = new AtomicInteger();
        final CountDownLatch readStarted = new CountDownLatch(1);
        volatile CountDownLatch hold;

        CountingStore(SigningKeyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<StoredKey> keys() {
            reads.incrementAndGet();
            CountDownLatch latch = hold;
            if (latch != null) {
                readStarted.countDown();
                try {
                    latch.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return delegate.keys();
        }

        @Override
        public boolean add(StoredKey key) {
            return delegate.add(key);
        }
    }
}
