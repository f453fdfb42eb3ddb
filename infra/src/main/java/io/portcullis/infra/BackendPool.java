package io.portcullis.infra;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections to one backend (through one proxy, with one TLS setting): at most {@code maxInFlight} requests at
 * once, the others waiting their turn in arrival order, and the idle connections kept for reuse, most recently used
 * first (LIFO keeps a few connections warm rather than every connection barely alive).
 */
final class BackendPool {
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<UpstreamConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    BackendPool(int maxInFlight) {
        this.inFlight = new Semaphore(maxInFlight, true);
        this.maxInFlight = maxInFlight;
        this.maxIdle = maxInFlight;
    }

    /** Waits up to {@code timeoutNanos} for a turn; {@code false} when none came. */
    boolean acquire(long timeoutNanos) throws InterruptedException {
        return inFlight.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    void release() {
        inFlight.release();
    }

    /** The most recently used idle connection that has not been idle for {@code maxIdleNanos}, if any. */
    UpstreamConnection poll(long now, long maxIdleNanos) {
        for (UpstreamConnection connection; (connection = idle.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            if (now - connection.idleSince() < maxIdleNanos) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    /** Keeps a connection whose exchange ended cleanly for the next request. */
    void offer(UpstreamConnection connection, long now) {
        connection.idle(now);
        if (idleCount.incrementAndGet() > maxIdle) {
            idleCount.decrementAndGet();
            connection.close();
            return;
        }
        idle.offerFirst(connection);
    }

    /**
     * Closes connections idle for {@code maxIdleNanos} or more, oldest first, so that none is still pooled when a
     * backend's own keep-alive timeout closes it under a request.
     *
     * @return whether the pool is now unused (no idle connection, no request in flight)
     */
    boolean evict(long now, long maxIdleNanos) {
        for (UpstreamConnection oldest; (oldest = idle.peekLast()) != null; ) {
            if (now - oldest.idleSince() < maxIdleNanos) {
                break;
            }
            if (idle.removeLastOccurrence(oldest)) {
                idleCount.decrementAndGet();
                oldest.close();
            }
        }
        return idle.isEmpty() && inFlight.availablePermits() == maxInFlight;
    }

    void closeIdle() {
        for (UpstreamConnection connection; (connection = idle.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            connection.close();
        }
    }
}
