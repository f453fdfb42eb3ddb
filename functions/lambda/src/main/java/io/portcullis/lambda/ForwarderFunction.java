package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Gateway;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Header;
import io.portcullis.core.Rejection;
import io.portcullis.core.Reply;
import io.portcullis.core.token.Identity;
import io.portcullis.core.token.TokenId;
import io.portcullis.infra.UpstreamException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every route behind an HTTP API (payload 2.0): resolves the route, checks the token itself (bearer header, session
 * or JWT cookie, CSRF, revocation: the server's 401/403 with {@code WWW-Authenticate}), or takes the identity from
 * a Lambda authorizer's context when one ran in front of it, applies the per-user rate limit with 429 and
 * {@code RateLimit-*} (an authorizer cannot answer 429), forwards, and returns the backend's status, headers, cookies
 * and body. CORS preflights from allowed origins are answered here; a path only the gateway answers
 * ({@link Gateway#ownsPath}) that API Gateway did not send to the token function (the server-only
 * {@code GET /admin/tokens}, ProxyAuth's {@code /adm/} endpoints) is 404, never a route's. Bodies are buffered, as API Gateway buffers them anyway; an answer
 * above {@value #MAX_RESPONSE_BYTES} bytes (Lambda's 6 MB response quota, after base64) gets 502.
 * Handler: {@code io.portcullis.lambda.ForwarderFunction::handleRequest}.
 */
public final class ForwarderFunction implements RequestStreamHandler {
    static final int MAX_RESPONSE_BYTES = 4_500_000;

    private final LambdaGateway gateway;
    private final Telemetry telemetry = new Telemetry("forwarder");

    /** For the Lambda runtime: configured from the environment during init. */
    public ForwarderFunction() {
        this(LambdaGateway.fromEnvironment(false));
        Priming.register();
    }

    ForwarderFunction(LambdaGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) {
        Invocations.answer(in, out, context, telemetry, gateway, (event, parts, coldStart) -> {
            GatewayRequest request = HttpApiExchange.request(event);
            Gateway current = parts.gateway();
            Optional<Reply> preflight = current.preflight(request);
            if (preflight.isPresent()) {
                return HttpApiExchange.response(preflight.get().toResponse());
            }
            if (current.ownsPath(request.rawPath())) {
                return refused(context, coldStart, request, new Rejection(404, "not_found", "this endpoint is "
                        + "served by the Portcullis server, not by its Lambda functions", "server_only_endpoint",
                        List.of()).withHeaders(current.corsHeaders(request)));
            }
            return switch (current.forward().forward(request, authorizerIdentity(event))) {
                case Rejection rejection -> refused(context, coldStart, request, rejection);
                case ForwardingPlan plan -> send(plan, request, parts, context, coldStart);
            };
        });
    }

    private ObjectNode refused(Context context, boolean coldStart, GatewayRequest request, Rejection rejection) {
        telemetry.count(context, rejection);
        telemetry.log(context, coldStart, "INFO", "refused", Map.of("path", request.rawPath(),
                "reason", rejection.reason()));
        return HttpApiExchange.response(rejection.toResponse());
    }

    private ObjectNode send(ForwardingPlan plan, GatewayRequest request, LambdaGateway.Parts parts,
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
    static Optional<Identity> authorizerIdentity(JsonNode event) {
        JsonNode lambda = event.path("requestContext").path("authorizer").path("lambda");
        Optional<String> user = LambdaJson.text(lambda, "user").filter(name -> !name.isEmpty());
        Optional<String> tokenId = LambdaJson.text(lambda, "token_id");
        Optional<String> expiresAt = LambdaJson.text(lambda, "expires_at");
        if (user.isEmpty() || tokenId.isEmpty() || expiresAt.isEmpty()) {
            return Optional.empty();
        }
        String roles = LambdaJson.text(lambda, "roles").orElse("");
        try {
            return Optional.of(new Identity(user.get(),
                    Arrays.stream(roles.split(",")).filter(role -> !role.isEmpty()).toList(),
                    new TokenId(tokenId.get()), Instant.ofEpochMilli(Long.parseLong(expiresAt.get()))));
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
