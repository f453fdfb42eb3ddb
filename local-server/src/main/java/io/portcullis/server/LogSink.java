package io.portcullis.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.Json;
import io.portcullis.core.config.LogSettings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

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
            case LOCAL -> new Stdout(System.out);
            case LOKI -> new LokiPush(settings, metrics);
            case DISABLED -> (stream, line) -> { };
        };
    }

    /** One line per write, whole: a write of one byte array is not interleaved with another's on the stream. */
    final class Stdout implements LogSink {
        private final PrintStream out;

        Stdout(PrintStream out) {
            this.out = out;
        }

        @Override
        public void write(String stream, ObjectNode line) {
            byte[] json = Json.bytes(line);
            byte[] bytes = java.util.Arrays.copyOf(json, json.length + 1);
            bytes[json.length] = '\n';
            out.write(bytes, 0, bytes.length);
            out.flush();
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
