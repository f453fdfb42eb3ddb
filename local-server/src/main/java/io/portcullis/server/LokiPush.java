package io.portcullis.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.Json;
import io.portcullis.core.config.LogSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pushes lines to Loki's HTTP push API ({@code POST /loki/api/v1/push}, JSON), in batches of what a second
 * brings, from the {@link QueuedSink}'s thread: a request never waits for Loki. A batch Loki refuses or cannot
 * take is retried a few times, then dropped and counted ({@code portcullis_log_dropped_total}).
 *
 * <p>Streams are labelled {@code {app="portcullis", log="access"|"audit"}} plus {@code log.loki-labels}; each value
 * is the line's JSON. Written directly rather than with a logging appender (loki4j): that needs Logback, which
 * would also become the SDK's SLF4J backend beside the JUL logging the server uses.
 */
final class LokiPush extends QueuedSink {
    static final int QUEUE_LINES = 10_000;
    static final int BATCH_LINES = 1_000;
    static final Duration FLUSH_EVERY = Duration.ofSeconds(1);
    static final int ATTEMPTS = 3;
    private static final System.Logger LOG = System.getLogger(LokiPush.class.getName());
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private final URI url;
    private final Map<String, String> labels;
    private final Optional<String> tenant;
    private final Optional<String> authorization;
    private final GatewayMetrics metrics;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Instant lastWarning = Instant.MIN;

    LokiPush(LogSettings settings, GatewayMetrics metrics) {
        super("loki-push", QUEUE_LINES, BATCH_LINES, FLUSH_EVERY, metrics);
        URI configured = settings.lokiUrl().orElseThrow();
        // Credentials in the URL (https://user:key@host) become Basic authentication; the URL sent, and any
        // message naming it, carries none.
        this.url = URI.create(configured.getScheme() + "://" + configured.getRawAuthority()
                .substring(configured.getRawAuthority().indexOf('@') + 1) + configured.getRawPath()
                + (configured.getRawQuery() == null ? "" : "?" + configured.getRawQuery()));
        this.authorization = Optional.ofNullable(configured.getRawUserInfo()).map(info -> "Basic " + Base64
                .getEncoder().encodeToString(URLDecoder.decode(info, StandardCharsets.UTF_8)
                        .getBytes(StandardCharsets.UTF_8)));
        Map<String, String> all = new LinkedHashMap<>(settings.lokiLabels());
        all.put("app", "portcullis");
        this.labels = Map.copyOf(all);
        this.tenant = settings.lokiTenant();
        this.metrics = metrics;
        start();
    }

    @Override
    void deliver(List<Entry> batch) {
        byte[] body = Json.bytes(payload(batch));
        String problem = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                tenant.ifPresent(id -> request.header("X-Scope-OrgID", id));
                authorization.ifPresent(value -> request.header("Authorization", value));
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return;
                }
                problem = "Loki answered " + response.statusCode() + ": " + LogSink.bounded(response.body(), 200);
                if (response.statusCode() / 100 == 4 && response.statusCode() != 429) {
                    break; // refused as malformed or too old: sending it again cannot help
                }
            } catch (IOException e) {
                problem = "Loki unreachable: " + e;
            } catch (InterruptedException e) {
                problem = "interrupted while pushing";
                if (!closing()) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (attempt < ATTEMPTS && !closing()) {
                try {
                    Thread.sleep(FLUSH_EVERY.toMillis() << (attempt - 1));
                } catch (InterruptedException e) {
                    // closing: one last attempt at once
                }
            }
        }
        metrics.logLinesDropped("push_failed", batch.size());
        warn(batch.size() + " log lines dropped: " + problem);
    }

    /** {@code {"streams":[{"stream":{labels},"values":[["<ns since epoch>","<line>"],…]},…]}}, one stream per log. */
    private ObjectNode payload(List<Entry> batch) {
        ObjectNode payload = Json.object();
        ArrayNode streams = payload.putArray("streams");
        Map<String, ArrayNode> values = new LinkedHashMap<>();
        for (Entry entry : batch) {
            values.computeIfAbsent(entry.stream(), stream -> {
                ObjectNode item = streams.addObject();
                ObjectNode streamLabels = item.putObject("stream");
                labels.forEach(streamLabels::put);
                streamLabels.put("log", stream);
                return item.putArray("values");
            }).addArray().add(entry.at().getEpochSecond() + String.format("%09d", entry.at().getNano()))
                    .add(entry.json());
        }
        return payload;
    }

    private void warn(String message) {
        Instant now = Instant.now();
        if (Duration.between(lastWarning, now).compareTo(WARN_EVERY) >= 0) {
            lastWarning = now;
            LOG.log(System.Logger.Level.WARNING, message + " (" + url + "; further failures within a minute are "
                    + "only counted)");
        }
    }
}
