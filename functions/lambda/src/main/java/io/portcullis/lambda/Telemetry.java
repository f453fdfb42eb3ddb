package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.Issued;
import io.portcullis.core.Json;
import io.portcullis.core.Rejection;
import io.portcullis.core.Reply;
import io.portcullis.core.Revoked;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Structured logs and CloudWatch metrics, both as JSON lines through Lambda's logger: a log line carries the
 * function, the request id and whether this invocation was a cold start; a metric line is in CloudWatch's
 * embedded metric format (namespace {@value #NAMESPACE}), so metrics cost no API call. Never a token, password
 * or secret: only user names, token ids and reasons.
 */
final class Telemetry {
    static final String NAMESPACE = "Portcullis";
    /** A line written during init, before there is an invocation (and so a request id) to log it with. */
    static void initLog(String level, String message, Map<String, String> fields) {
        ObjectNode line = Json.object().put("level", level).put("phase", "init").put("message", message);
        fields.forEach(line::put);
        System.out.println(new String(Json.bytes(line), StandardCharsets.UTF_8));
    }

    /** One JVM is one execution environment: the first invocation in it is the cold one. */
    private static final AtomicBoolean COLD = new AtomicBoolean(true);

    private final String function;

    Telemetry(String function) {
        this.function = function;
    }

    /** Marks the start of an invocation; true for the first one in this execution environment. */
    boolean coldStart() {
        return COLD.getAndSet(false);
    }

    /**
     * On a cold start, logs how long building the gateway took, to tell it from the JVM's and runtime's share, and
     * what the configuration allows that leaves the gateway weaker than it may look (logins not rate-limited).
     */
    void coldStart(Context context, boolean coldStart, LambdaGateway.Parts parts) {
        if (coldStart) {
            log(context, true, "INFO", "cold start", Map.of("build_ms", Long.toString(parts.buildMillis())));
            parts.config().warnings().forEach(warning -> log(context, true, "WARN", "configuration",
                    Map.of("warning", warning)));
        }
    }

    void log(Context context, boolean coldStart, String level, String message, Map<String, String> fields) {
        ObjectNode line = Json.object()
                .put("level", level)
                .put("function", function)
                .put("request_id", context.getAwsRequestId())
                .put("cold_start", coldStart)
                .put("message", message);
        fields.forEach(line::put);
        emit(context, line);
    }

    /** One metric in the embedded metric format, with the function as a dimension plus {@code dimensions}. */
    void metric(Context context, String name, double value, String unit, Map<String, String> dimensions) {
        ObjectNode line = Json.object();
        ObjectNode directive = line.putObject("_aws").put("Timestamp", System.currentTimeMillis())
                .putArray("CloudWatchMetrics").addObject().put("Namespace", NAMESPACE);
        ArrayNode dimensionSet = directive.putArray("Dimensions").addArray().add("Function");
        dimensions.keySet().forEach(dimensionSet::add);
        directive.putArray("Metrics").addObject().put("Name", name).put("Unit", unit);
        line.put("Function", function);
        dimensions.forEach(line::put);
        line.put(name, value);
        emit(context, line);
    }

    /** One JSON object per line, so the line is one log event however the runtime frames its output. */
    private static void emit(Context context, ObjectNode line) {
        context.getLogger().log(new String(Json.bytes(line), StandardCharsets.UTF_8) + "\n");
    }

    /** Counts what a reply says: logins by outcome, refusals by reason. */
    void count(Context context, Reply reply) {
        switch (reply.outcome()) {
            case Issued issued -> metric(context, "LoginSucceeded", 1, "Count", Map.of());
            case Revoked revoked -> metric(context, "Revocations", 1, "Count", Map.of());
            case Rejection rejection -> {
                metric(context, "Rejected", 1, "Count", Map.of("Reason", rejection.reason()));
                if (rejection.status() == 429) {
                    metric(context, "RateLimited", 1, "Count", Map.of());
                }
            }
            default -> { }
        }
    }
}
