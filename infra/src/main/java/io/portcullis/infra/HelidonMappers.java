package io.portcullis.infra;

import io.helidon.common.mapper.MapperManager;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pins Helidon's global mapper manager once, at startup. Unpinned, Helidon 4.4.0 looks it up in its service
 * registry, behind a read-write lock, every time a header value is read as a number ({@code Content-Length} on
 * every request and response), and concurrent requests queue on that lock.
 */
public final class HelidonMappers {
    private static final AtomicBoolean PINNED = new AtomicBoolean();

    private HelidonMappers() {
    }

    /**
     * Idempotent; call before serving. Uses the deprecated {@code MapperManager.global(…)}: it is what Helidon's
     * own header code reads, and the only way to fill its fast path in 4.4.0.
     */
    @SuppressWarnings("removal")
    public static void pinGlobal() {
        if (PINNED.compareAndSet(false, true)) {
            MapperManager.global(MapperManager.create());
        }
    }
}
