package io.portcullis.core.password;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded pool Argon2 runs on. Each hash takes tens of milliseconds of one core; with a fixed number of
 * threads and a bounded queue, a login flood waits or is turned away instead of taking every core from proxied
 * traffic.
 */
public final class PasswordPool implements AutoCloseable {
    /** The pool and its queue are full. */
    public static final class SaturatedException extends Exception {
        private static final long serialVersionUID = 1L;

        SaturatedException() {
            super("password checks are saturated", null, false, false);
        }
    }

    private final ThreadPoolExecutor executor;
    private final AtomicLong checksRun = new AtomicLong();

    public PasswordPool(int threads, int queueCapacity) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("threads and queue must be at least 1");
        }
        AtomicInteger count = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), task -> {
                    Thread thread = new Thread(task, "argon2-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** The default size: every core but one, so proxying always keeps a core. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** How many checks the pool has run (started), since it was made. */
    public long checksRun() {
        return checksRun.get();
    }

    /** Runs {@code work} on the pool and waits for it. */
    public <T> T run(Callable<T> work) throws SaturatedException {
        Future<T> future;
        try {
            future = executor.submit(() -> {
                checksRun.incrementAndGet();
                return work.call();
            });
        } catch (RejectedExecutionException e) {
            throw new SaturatedException();
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking a password", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
