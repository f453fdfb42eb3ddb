package io.portcullis.infra;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The connections to one backend (through one proxy, with one TLS setting): at most {@code maxInFlight} requests at
 * once, the others waiting their turn in arrival order, and the idle connections kept for reuse, most recently used
 * first (LIFO keeps a few connections warm rather than every connection barely alive). The idle ones are a deque
 * under this object's monitor, held for a few loads and stores only: closing a connection happens outside it.
 */
final class BackendPool {
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final int maxIdle;
    /** Most recently used first. */
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();

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
        for (UpstreamConnection connection; (connection = next()) != null; ) {
            if (now - connection.idleSince() < maxIdleNanos) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private synchronized UpstreamConnection next() {
        return idle.pollFirst();
    }

    /** Keeps a connection whose exchange ended cleanly for the next request. */
    void offer(UpstreamConnection connection, long now) {
        connection.idle(now);
        synchronized (this) {
            if (idle.size() < maxIdle) {
                idle.offerFirst(connection);
                return;
            }
        }
        connection.close();
    }

    /**
     * Closes connections idle for {@code maxIdleNanos} or more, oldest first, so that none is still pooled when a
     * backend's own keep-alive timeout closes it under a request.
     *
     * @return whether the pool is now unused (no idle connection, no request in flight)
     */
    boolean evict(long now, long maxIdleNanos) {
        List<UpstreamConnection> expired = new ArrayList<>();
        boolean empty;
        synchronized (this) {
            while (!idle.isEmpty() && now - idle.peekLast().idleSince() >= maxIdleNanos) {
                expired.add(idle.pollLast());
            }
            empty = idle.isEmpty();
        }
        expired.forEach(UpstreamConnection::close);
        return empty && inFlight.availablePermits() == maxInFlight;
    }

    void closeIdle() {
        List<UpstreamConnection> all;
        synchronized (this) {
            all = new ArrayList<>(idle);
            idle.clear();
        }
        all.forEach(UpstreamConnection::close);
    }
}
