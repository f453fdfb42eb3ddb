package io.portcullis.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A log sink whose lines are delivered in batches by a thread of its own, so a request only queues its line. The
 * thread wakes every {@code every} (not per line: a wake-up per request is a context switch per request). When
 * the queue is full (the destination blocked or down for long), an access line is dropped and counted
 * ({@code portcullis_log_dropped_total}); an audit line waits for room: a security event is never dropped here.
 * Closing delivers what is queued.
 *
 * <p>The queue is lock-free, so a request never parks its virtual thread behind the writer's drain (with a lock
 * shared by every request and the drain, as in an {@code ArrayBlockingQueue}, it could).
 */
abstract class QueuedSink implements LogSink {
    /** A line as it was written, and when. */
    record Entry(String stream, Instant at, String json) {
    }

    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int queueLines;
    private final int batchLines;
    private final Duration every;
    private final GatewayMetrics metrics;
    private final Thread thread;
    private volatile boolean closing;

    QueuedSink(String threadName, int queueLines, int batchLines, Duration every, GatewayMetrics metrics) {
        this.queueLines = queueLines;
        this.batchLines = batchLines;
        this.every = every;
        this.metrics = metrics;
        this.thread = Thread.ofPlatform().name(threadName).daemon().unstarted(this::run);
    }

    /** Starts the delivering thread; call once the subclass is constructed. */
    final void start() {
        thread.start();
    }

    /** Delivers a batch; failures are the subclass's to count. */
    abstract void deliver(List<Entry> batch);

    /** Whether the sink is being closed: a last delivery should not wait long. */
    final boolean closing() {
        return closing;
    }

    @Override
    public final void write(String stream, String json) {
        Entry entry = new Entry(stream, Instant.now(), json);
        boolean audit = stream.equals("audit");
        while (!closing) {
            if (offer(entry)) {
                return;
            }
            if (!audit || Thread.currentThread().isInterrupted()) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // an audit line waits for the writer to drain
        }
        metrics.logLinesDropped("queue_full", 1);
    }

    private boolean offer(Entry entry) {
        if (queued.incrementAndGet() > queueLines) {
            queued.decrementAndGet();
            return false;
        }
        queue.offer(entry);
        return true;
    }

    @Override
    public final void close() {
        closing = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Entry> batch = new ArrayList<>(batchLines);
        while (true) {
            boolean last = closing;
            for (Entry entry; batch.size() < batchLines && (entry = queue.poll()) != null; ) {
                queued.decrementAndGet();
                batch.add(entry);
            }
            if (!batch.isEmpty()) {
                deliver(batch);
                batch.clear();
            } else if (last) {
                return;
            } else {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    // close() wakes the thread to deliver what is left without waiting.
                }
            }
        }
    }
}
