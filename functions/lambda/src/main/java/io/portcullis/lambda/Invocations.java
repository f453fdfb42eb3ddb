package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.Json;
import io.portcullis.core.Rejection;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.config.ConfigException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * One invocation of a function that answers HTTP: reads the event, notes a cold start, builds (or reuses) the
 * gateway, runs the work, writes the answer, and maps failures the same way everywhere: a store that cannot answer is
 * 503, an event that is not one is 400, anything else 500. Clients get the gateway's JSON error, never a stack
 * trace; the log gets the detail.
 */
final class Invocations {
    /** What a function does with an event and a built gateway. */
    @FunctionalInterface
    interface Work {
        ObjectNode answer(ObjectNode event, LambdaGateway.Parts parts, boolean coldStart);
    }

    private Invocations() {
    }

    static void answer(InputStream in, OutputStream out, Context context, Telemetry telemetry, LambdaGateway gateway,
            Work work) {
        Json.write(out, answer(in, context, telemetry, gateway, work));
    }

    private static ObjectNode answer(InputStream in, Context context, Telemetry telemetry, LambdaGateway gateway,
            Work work) {
        boolean coldStart = telemetry.coldStart();
        try {
            ObjectNode event = Json.read(in);
            LambdaGateway.Parts parts = gateway.parts();
            telemetry.coldStart(context, coldStart, parts);
            return work.answer(event, parts, coldStart);
        } catch (StoreUnavailableException e) {
            telemetry.log(context, coldStart, "WARN", "store unavailable", Map.of("error", e.getMessage()));
            return HttpApiExchange.response(Rejection.unavailable().toResponse());
        } catch (ConfigException e) {
            telemetry.log(context, coldStart, "ERROR", "configuration refused", Map.of("error", e.getMessage()));
            return HttpApiExchange.response(Rejection.internalError().toResponse());
        } catch (IllegalArgumentException e) {
            telemetry.log(context, coldStart, "WARN", "not an HTTP API event", Map.of("error", e.getMessage()));
            return HttpApiExchange.response(Rejection.badRequest("invalid_event", "the request could not be read")
                    .toResponse());
        } catch (RuntimeException e) {
            telemetry.log(context, coldStart, "ERROR", "invocation failed",
                    Map.of("error", e.getClass().getName() + ": " + e.getMessage()));
            return HttpApiExchange.response(Rejection.internalError().toResponse());
        }
    }
}
