package io.portcullis.server;

import io.portcullis.core.Gateway;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The gateway requests are served by. A reload replaces it whole: each request reads it once, when it arrives, and
 * is served by that one to the end, so connections and requests in flight carry on undisturbed. The replaced
 * gateway is closed after a grace period (its Argon2 pool may still be checking a password for a login that
 * arrived just before).
 */
final class CurrentGateway implements Supplier<Gateway>, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CurrentGateway.class.getName());

    private final AtomicReference<Gateway> current;
    private final Set<Gateway> retiring = ConcurrentHashMap.newKeySet();

    CurrentGateway(Gateway first) {
        this.current = new AtomicReference<>(first);
    }

    @Override
    public Gateway get() {
        return current.get();
    }

    /** Serves new requests with {@code next}; the one it replaces is closed after {@code grace}. */
    void replace(Gateway next, Duration grace) {
        Gateway old = current.getAndSet(next);
        retiring.add(old);
        Thread.ofVirtual().name("gateway-retire").start(() -> {
            try {
                Thread.sleep(grace);
            } catch (InterruptedException e) {
                LOG.log(System.Logger.Level.DEBUG, "retiring a replaced gateway early");
            }
            if (retiring.remove(old)) {
                old.close();
            }
        });
    }

    /** Closes the current gateway and any replaced one not closed yet. */
    @Override
    public void close() {
        current.get().close();
        retiring.removeIf(old -> {
            old.close();
            return true;
        });
    }
}
