package io.portcullis.infra.http1;

/**
 * Buffers of one size, lent to connections for the time they read or write. A connection that waits (on its
 * backend, on a queue for a backend connection, kept alive in a pool) holds none, so memory follows the
 * connections doing I/O rather than all open ones: at 2,000 busy client connections the edge's and the upstream
 * leg's own buffers were 24 MB of a 64 MB live heap (bench/README.md).
 *
 * <p>At most {@code maxIdle} returned buffers are kept for the next taker, the most recently returned first (its
 * bytes are likeliest still in a cache); more go to the garbage collector. The idle buffers are an array used as
 * a stack under this object's monitor: the critical section is a few loads and stores, never a wait, and costs
 * less than the {@code ConcurrentLinkedDeque} it replaced, whose node churn at one end showed up in profiles of
 * the request path. A buffer comes with whatever its last user left in it; readers and writers only ever look at
 * bytes they put there themselves.
 */
public final class BufferPool {
    private final int size;
    private final byte[][] idle;
    private int idleCount;

    public BufferPool(int size, int maxIdle) {
        if (size <= 0 || maxIdle <= 0) {
            throw new IllegalArgumentException("size and maxIdle must be positive");
        }
        this.size = size;
        this.idle = new byte[maxIdle][];
    }

    /** The length of every buffer this pool lends. */
    public int size() {
        return size;
    }

    /** A buffer of {@link #size()} bytes, whose content is undefined. */
    byte[] take() {
        synchronized (this) {
            if (idleCount > 0) {
                byte[] buffer = idle[--idleCount];
                idle[idleCount] = null;
                return buffer;
            }
        }
        return new byte[size];
    }

    /** Takes {@code buffer} back; one of another length (a reading buffer that grew for a long line) is dropped. */
    void give(byte[] buffer) {
        if (buffer.length != size) {
            return;
        }
        synchronized (this) {
            if (idleCount < idle.length) {
                idle[idleCount++] = buffer;
            }
        }
    }
}
