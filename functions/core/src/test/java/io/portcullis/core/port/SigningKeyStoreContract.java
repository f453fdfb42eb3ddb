package io.portcullis.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.MutableClock;
import io.portcullis.core.port.SigningKeyStore.StoredKey;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What every {@link SigningKeyStore} must do. Subclass it per adapter; each test gets an empty store. */
public abstract class SigningKeyStoreContract {
    protected final MutableClock clock = MutableClock.startingNow();

    /** An empty store reading time from {@code clock}. */
    protected abstract SigningKeyStore store(MutableClock clock);

    @Test
    void keys_ofAnEmptyStore_areNone() {
        assertThat(store(clock).keys()).isEmpty();
    }

    @Test
    void add_storesTheKeyAsGiven_andListsKeysOldestFirst() {
        SigningKeyStore store = store(clock);
        Instant now = clock.instant();
        StoredKey newer = key("k-b", now, now.plus(Duration.ofDays(9)));
        StoredKey older = key("k-a", now.minusSeconds(60), now.plus(Duration.ofDays(8)));

        assertThat(store.add(newer)).isTrue();
        assertThat(store.add(older)).isTrue();

        assertThat(store.keys()).containsExactly(older, newer);
    }

    @Test
    void add_anIdThatIsTaken_isRefused_andKeepsTheFirst() {
        SigningKeyStore store = store(clock);
        Instant now = clock.instant();
        StoredKey first = key("k-1", now, now.plus(Duration.ofDays(1)));

        store.add(first);

        assertThat(store.add(new StoredKey("k-1", "{\"other\":1}", "k1.other", now, now.plus(Duration.ofDays(1)))))
                .isFalse();
        assertThat(store.keys()).containsExactly(first);
    }

    @Test
    void keys_pastTheirExpiry_areNotListed_evenIfStillStored() {
        SigningKeyStore store = store(clock);
        Instant now = clock.instant();
        store.add(key("k-short", now, now.plus(Duration.ofMinutes(5))));

        clock.advance(Duration.ofMinutes(5));

        assertThat(store.keys()).isEmpty();
    }

    private static StoredKey key(String id, Instant created, Instant expires) {
        return new StoredKey(id, "{\"kty\":\"EC\",\"kid\":\"" + id + "\"}", "k1.c2VhbGVk", created, expires);
    }
}
