package io.portcullis.infra.http1;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Buffers of one size, lent to connections for the time they read or write. A connection that waits (on its
 * backend, on a queue for a backend connection, kept alive in a pool) holds none, so memory follows the
 * connections doing I/O rather than all open ones: at 2,000 busy client connections the edge's and the upstream
 * leg's own buffers were 24 MB of a 64 MB live heap (bench/README.md).
 *
 * <p>At most {@code maxIdle} returned buffers are kept for the next taker, the most recently returned first (its
 * bytes are likeliest still in a cache); more go to the garbage collector. Lock-free: a virtual thread never parks
 * here. A buffer comes with whatever its last user left in it; readers and writers only ever look at bytes they
 * put there themselves.
 */
public final class BufferPool {
    private final int size;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<byte[]> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    public BufferPool(int size, int maxIdle) {
        if (size <= 0 || maxIdle <= 0) {
            throw new IllegalArgumentException("size and maxIdle must be positive");
        }
        this.size = size;
        this.maxIdle = maxIdle;
    }

    /** The length of every buffer this pool lends. */
    public int size() {
        return size;
    }

    /** A buffer of {@link #size()} bytes, whose content is undefined. */
    byte[] take() {
        byte[] buffer = idle.pollFirst();
        if (buffer == null) {
            return new byte[size];
        }
        idleCount.decrementAndGet();
        return buffer;
    }

    /** Takes {@code buffer} back; one of another length (a reading buffer that grew for a long line) is dropped. */
    void give(byte[] buffer) {
        if (buffer.length == size && idleCount.incrementAndGet() <= maxIdle) {
            idle.offerFirst(buffer);
        } else if (buffer.length == size) {
            idleCount.decrementAndGet();
        }
    }
}
