package io.portcullis.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.MutableClock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link SessionCredentialStore} must do. Subclass it per adapter. */
public abstract class SessionCredentialStoreContract {
    protected final MutableClock clock = MutableClock.startingNow();

    /** An empty store reading time from {@code clock}. */
    protected abstract SessionCredentialStore store(MutableClock clock);

    @Test
    void credentials_unknownSession_isEmpty() {
        assertThat(store(clock).credentials(sid())).isEmpty();
    }

    @Test
    void save_thenRead_returnsTheValue() {
        SessionCredentialStore store = store(clock);
        String sid = sid();

        store.save(sid, "dXNlcjpwYXNz", Optional.empty());

        assertThat(store.credentials(sid)).contains("dXNlcjpwYXNz");
    }

    @Test
    void save_again_replaces() {
        SessionCredentialStore store = store(clock);
        String sid = sid();
        store.save(sid, "old", Optional.empty());

        store.save(sid, "new", Optional.empty());

        assertThat(store.credentials(sid)).contains("new");
    }

    @Test
    void credentials_pastExpiry_isEmpty_evenIfStillStored() {
        SessionCredentialStore store = store(clock);
        String sid = sid();
        store.save(sid, "value", Optional.of(clock.instant().plus(Duration.ofMinutes(5))));

        clock.advance(Duration.ofMinutes(4));
        assertThat(store.credentials(sid)).contains("value");
        clock.advance(Duration.ofMinutes(1));
        assertThat(store.credentials(sid)).isEmpty();
    }

    @Test
    void remove_takesEffectAtOnce() {
        SessionCredentialStore store = store(clock);
        String sid = sid();
        store.save(sid, "value", Optional.empty());

        assertThat(store.remove(sid)).isTrue();
        assertThat(store.credentials(sid)).isEmpty();
        assertThat(store.remove(sid)).isFalse();
    }

    private static String sid() {
        return "sid-" + UUID.randomUUID();
    }
}
