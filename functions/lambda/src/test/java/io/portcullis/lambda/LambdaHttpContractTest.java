package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.core.GatewayHttpContract;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The shared HTTP behaviour against the functions, fed real HTTP API events: the token function for the gateway's
 * own paths, the forwarder (checking tokens itself, as deployed without an authorizer) for the routes.
 */
class LambdaHttpContractTest extends GatewayHttpContract {
    @Override
    protected Transport start(String tokenSettings, String yaml) {
        LambdaFunctions functions = new LambdaFunctions(tokenSettings, yaml);
        return new Transport() {
            @Override
            public Answer send(String method, String path, Map<String, String> headers, String body) {
                APIGatewayV2HTTPResponse response = functions.invoke(Events.httpApi(method, path, headers,
                        body.getBytes(StandardCharsets.UTF_8)));
                Map<String, String> answerHeaders = new HashMap<>();
                if (response.getHeaders() != null) {
                    response.getHeaders().forEach((name, value) -> answerHeaders.put(name.toLowerCase(Locale.ROOT), value));
                }
                return new Answer(response.getStatusCode(), answerHeaders,
                        new String(LambdaFunctions.body(response), StandardCharsets.UTF_8));
            }

            @Override
            public void close() {
            }
        };
    }
}
