package io.portcullis.server;

import io.portcullis.core.config.LogSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Where access and audit lines go ({@code log.type}): stdout, Loki, or nowhere. Each line is one JSON object;
 * JSON escaping turns CR and LF inside values into {@code \r} and {@code \n}, so no value can forge a line.
 */
interface LogSink extends AutoCloseable {
    /**
     * @param stream which log the line belongs to: {@code access} or {@code audit}
     * @param json the line: one JSON object ({@link LogLine}), no line break
     */
    void write(String stream, String json);

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

    /** JSON lines on stdout; each batch goes out in one write of whole lines. */
    final class Stdout extends QueuedSink {
        private final PrintStream out;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * 1024);

        Stdout(PrintStream out, GatewayMetrics metrics) {
            super("log-writer", 16_384, 4_096, Duration.ofMillis(20), metrics);
            this.out = out;
            start();
        }

        @Override
        void deliver(List<Entry> batch) {
            for (Entry entry : batch) {
                bytes.writeBytes(entry.json().getBytes(StandardCharsets.UTF_8));
                bytes.write('\n');
            }
            out.write(bytes.toByteArray(), 0, bytes.size());
            out.flush();
            bytes.reset();
        }
    }

    /** For log lines' text fields: a client-chosen value is cut to a bounded length. */
    static String bounded(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max) + "…";
    }
}
