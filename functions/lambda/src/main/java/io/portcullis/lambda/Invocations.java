package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.core.Rejection;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.config.ConfigException;
import java.util.Map;

/**
 * One invocation of a function that answers HTTP: notes a cold start, builds (or reuses) the gateway, runs the
 * work, and maps failures the same way everywhere: a store that cannot answer is 503, anything else 500. Clients
 * get the gateway's JSON error, never a stack trace; the log gets the detail.
 */
final class Invocations {
    /** What a function does with a built gateway. */
    @FunctionalInterface
    interface Work {
        APIGatewayV2HTTPResponse answer(LambdaGateway.Parts parts, boolean coldStart);
    }

    private Invocations() {
    }

    static APIGatewayV2HTTPResponse answer(Context context, Telemetry telemetry, LambdaGateway gateway, Work work) {
        boolean coldStart = telemetry.coldStart();
        try {
            LambdaGateway.Parts parts = gateway.parts();
            telemetry.coldStart(context, coldStart, parts);
            return work.answer(parts, coldStart);
        } catch (StoreUnavailableException e) {
            telemetry.log(context, coldStart, "WARN", "store unavailable", Map.of("error", e.getMessage()));
            return HttpApiExchange.response(Rejection.unavailable().toResponse());
        } catch (ConfigException e) {
            telemetry.log(context, coldStart, "ERROR", "configuration refused", Map.of("error", e.getMessage()));
            return HttpApiExchange.response(Rejection.internalError().toResponse());
        } catch (RuntimeException e) {
            telemetry.log(context, coldStart, "ERROR", "invocation failed",
                    Map.of("error", e.getClass().getName() + ": " + e.getMessage()));
            return HttpApiExchange.response(Rejection.internalError().toResponse());
        }
    }
}
