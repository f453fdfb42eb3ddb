package io.portcullis.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A log sink whose lines are delivered in batches by a thread of its own, so a request only queues its line. The
 * thread wakes every {@code every} (not per line: a wake-up per request is a context switch per request). When
 * the queue is full (the destination blocked or down for long), an access line is dropped and counted
 * ({@code portcullis_log_dropped_total}); an audit line waits for room: a security event is never dropped here.
 * Closing delivers what is queued.
 */
abstract class QueuedSink implements LogSink {
    /** A line as it was written, and when. */
    record Entry(String stream, Instant at, ObjectNode line) {
    }

    private final BlockingQueue<Entry> queue;
    private final int batchLines;
    private final Duration every;
    private final GatewayMetrics metrics;
    private final Thread thread;
    private volatile boolean closing;

    QueuedSink(String threadName, int queueLines, int batchLines, Duration every, GatewayMetrics metrics) {
        this.queue = new ArrayBlockingQueue<>(queueLines);
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
    public final void write(String stream, ObjectNode line) {
        Entry entry = new Entry(stream, Instant.now(), line);
        if (stream.equals("audit") && !closing) {
            try {
                queue.put(entry);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (closing || !queue.offer(entry)) {
            metrics.logLinesDropped("queue_full", 1);
        }
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
            queue.drainTo(batch, batchLines);
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
