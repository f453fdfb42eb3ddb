package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.core.Rejection;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.config.ConfigException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The failures every HTTP-answering function maps the same way: a store that cannot answer is 503, anything else
 * is 500. Clients get the gateway's JSON error, never a stack trace; the log gets the detail.
 */
final class Invocations {
    private Invocations() {
    }

    static APIGatewayV2HTTPResponse answer(Context context, Telemetry telemetry, boolean coldStart,
            Supplier<APIGatewayV2HTTPResponse> work) {
        try {
            return work.get();
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
