package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Header;
import io.portcullis.core.Rejection;
import io.portcullis.core.token.Identity;
import io.portcullis.core.token.TokenId;
import io.portcullis.infra.UpstreamException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every route behind an HTTP API (payload 2.0): resolves the route, takes the identity from the Lambda
 * authorizer's context when one ran (checks the token itself when deployed without one), applies the per-user
 * rate limit with 429 and {@code RateLimit-*} (an authorizer cannot answer 429), forwards, and returns the
 * backend's status, headers, cookies and body. Bodies are buffered, as API Gateway buffers them anyway; an answer
 * above {@value #MAX_RESPONSE_BYTES} bytes (Lambda's 6 MB response quota, after base64) gets 502.
 * Handler: {@code io.portcullis.lambda.ForwarderFunction::handleRequest}.
 */
public final class ForwarderFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final int MAX_RESPONSE_BYTES = 4_500_000;

    private final LambdaGateway gateway;
    private final Telemetry telemetry = new Telemetry("forwarder");

    /** For the Lambda runtime: configured from the environment on the first invocation. */
    public ForwarderFunction() {
        this(LambdaGateway.fromEnvironment(false));
        Priming.register();
    }

    ForwarderFunction(LambdaGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Invocations.answer(context, telemetry, gateway, (parts, coldStart) -> {
            GatewayRequest request = HttpApiExchange.request(event);
            return switch (parts.gateway().forward().forward(request, authorizerIdentity(event))) {
                case Rejection rejection -> {
                    telemetry.count(context, rejection);
                    telemetry.log(context, coldStart, "INFO", "refused", Map.of("path", event.getRawPath(),
                            "reason", rejection.reason()));
                    yield HttpApiExchange.response(rejection.toResponse());
                }
                case ForwardingPlan plan -> send(plan, request, parts, context, coldStart);
            };
        });
    }

    private APIGatewayV2HTTPResponse send(ForwardingPlan plan, GatewayRequest request, LambdaGateway.Parts parts,
            Context context, boolean coldStart) {
        long started = System.nanoTime();
        int[] status = new int[1];
        List<Header> headers = new ArrayList<>();
        BoundedBuffer body = new BoundedBuffer();
        boolean hasBody = request.headers().first("content-length").filter(length -> !length.equals("0")).isPresent();
        try {
            parts.upstream().exchange(plan, request.headers(), hasBody ? request.body() : null, (code, answer) -> {
                status[0] = code;
                headers.addAll(answer);
                return body;
            });
        } catch (UpstreamException e) {
            telemetry.log(context, coldStart, "WARN", "upstream failed", Map.of("error", e.getMessage()));
            return HttpApiExchange.response(e.rejection().toResponse());
        } catch (IOException e) {
            telemetry.log(context, coldStart, "WARN", "upstream answer unusable", Map.of("error", e.getMessage()));
            return HttpApiExchange.response(Rejection.badGateway().toResponse());
        }
        double millis = (System.nanoTime() - started) / 1e6;
        telemetry.metric(context, "UpstreamLatency", millis, "Milliseconds", Map.of());
        telemetry.log(context, coldStart, "INFO", "forwarded", Map.of("route", plan.route().prefix(),
                "status", Integer.toString(status[0]), "user", plan.identity().map(Identity::subject).orElse("-"),
                "upstream_ms", String.format("%.1f", millis)));
        return HttpApiExchange.response(status[0], headers, body.toByteArray());
    }

    /**
     * The identity a Portcullis authorizer put in the request context ({@code user}, {@code roles},
     * {@code token_id}, {@code expires_at}); empty when none ran, or when its context is not one Portcullis writes.
     */
    static Optional<Identity> authorizerIdentity(APIGatewayV2HTTPEvent event) {
        var authorizer = event.getRequestContext() == null ? null : event.getRequestContext().getAuthorizer();
        Map<String, Object> lambda = authorizer == null ? null : authorizer.getLambda();
        if (lambda == null || !(lambda.get("user") instanceof String user) || user.isEmpty()
                || !(lambda.get("token_id") instanceof String tokenId)
                || !(lambda.get("expires_at") instanceof String expiresAt)) {
            return Optional.empty();
        }
        String roles = lambda.get("roles") instanceof String text ? text : "";
        try {
            return Optional.of(new Identity(user,
                    Arrays.stream(roles.split(",")).filter(role -> !role.isEmpty()).toList(), new TokenId(tokenId),
                    Instant.ofEpochMilli(Long.parseLong(expiresAt))));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    /** Collects the backend's answer up to the size a function may return. */
    private static final class BoundedBuffer extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (bytes.size() + len > MAX_RESPONSE_BYTES) {
                throw new IOException("the backend's answer exceeds " + MAX_RESPONSE_BYTES + " bytes");
            }
            bytes.write(b, off, len);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
