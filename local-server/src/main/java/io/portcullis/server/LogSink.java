package io.portcullis.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.Json;
import io.portcullis.core.config.LogSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Where access and audit lines go ({@code log.type}): stdout, Loki, or nowhere. Each line is one JSON object;
 * JSON escaping turns CR and LF inside values into {@code \r} and {@code \n}, so no value can forge a line.
 */
interface LogSink extends AutoCloseable {
    /** @param stream which log the line belongs to: {@code access} or {@code audit} */
    void write(String stream, ObjectNode line);

    @Override
    default void close() {
    }

    static LogSink open(LogSettings settings, GatewayMetrics metrics) {
        return switch (settings.type()) {
            case LOCAL -> new Stdout(System.out, metrics);
            case LOKI -> new LokiPush(settings, metrics);
            case DISABLED -> (stream, line) -> { };
        };
    }

    /**
     * Lines written by a thread of their own, in batches: a request only queues its line (a synchronous write and
     * flush per request cost a third of the proxied throughput). The writer wakes every {@value #WRITE_EVERY_MILLIS}
     * ms rather than per line (a wake-up per request is a context switch per request), and each batch goes out in
     * one write of whole lines.
     * Access lines are dropped, and counted, when the queue is full (stdout blocked); audit lines wait for room:
     * a security event is never lost. Closing writes what is queued.
     */
    final class Stdout implements LogSink {
        private static final int QUEUE_LINES = 16_384;
        private static final int BATCH_LINES = 4096;
        private static final long WRITE_EVERY_MILLIS = 20;

        private final PrintStream out;
        private final GatewayMetrics metrics;
        private final BlockingQueue<ObjectNode> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
        private final Thread writer;
        private volatile boolean closing;

        Stdout(PrintStream out, GatewayMetrics metrics) {
            this.out = out;
            this.metrics = metrics;
            this.writer = Thread.ofPlatform().name("log-writer").daemon().start(this::run);
        }

        @Override
        public void write(String stream, ObjectNode line) {
            if (stream.equals("audit")) {
                try {
                    queue.put(line);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.println(utf8(line));
                }
            } else if (closing || !queue.offer(line)) {
                metrics.logLinesDropped("queue_full", 1);
            }
        }

        @Override
        public void close() {
            closing = true;
            writer.interrupt();
            try {
                writer.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void run() {
            List<ObjectNode> batch = new ArrayList<>(BATCH_LINES);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * 1024);
            while (true) {
                boolean last = closing;
                queue.drainTo(batch, BATCH_LINES);
                if (batch.isEmpty()) {
                    if (last) {
                        return;
                    }
                    try {
                        Thread.sleep(WRITE_EVERY_MILLIS);
                    } catch (InterruptedException e) {
                        // close() wakes the writer; the loop writes what is left.
                    }
                    continue;
                }
                for (ObjectNode line : batch) {
                    bytes.writeBytes(Json.bytes(line));
                    bytes.write('\n');
                }
                out.write(bytes.toByteArray(), 0, bytes.size());
                out.flush();
                bytes.reset();
                batch.clear();
            }
        }
    }

    /** For log lines' text fields: a client-chosen value is cut to a bounded length. */
    static String bounded(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max) + "…";
    }

    static String utf8(ObjectNode line) {
        return new String(Json.bytes(line), StandardCharsets.UTF_8);
    }
}
