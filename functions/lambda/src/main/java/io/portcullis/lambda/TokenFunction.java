package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.portcullis.core.AdminAnswer;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.GatewayResponse;
import io.portcullis.core.Header;
import io.portcullis.core.Issued;
import io.portcullis.core.Rejection;
import io.portcullis.core.Reply;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway's own endpoints behind an HTTP API (payload 2.0), with the server's contract and status codes:
 * {@code /auth}, {@code /auth/refresh}, {@code /auth/revoke}, {@code /logout}, {@code /admin/revoke}, TOTP
 * enrolment, the admin API's user management ({@code /admin/users}), the documents ({@code /.well-known/jwks.json},
 * {@code /openapi.yaml}: {@code Gateway.DOCUMENTS}) and the pages for browsers (sign-in, signed out, second factor,
 * their files: {@code Gateway.PAGE_ROUTE_KEYS}); other methods there get 405, CORS preflights from allowed origins
 * 204, and answers to allowed origins carry the CORS grant. A refresh token found reused is logged with the user
 * and token id of its login (never the token).
 * Handler: {@code io.portcullis.lambda.TokenFunction::handleRequest}.
 */
public final class TokenFunction implements RequestStreamHandler {
    private final LambdaGateway gateway;
    private final Telemetry telemetry = new Telemetry("token");

    /** For the Lambda runtime: configured from the environment during init. */
    public TokenFunction() {
        this(LambdaGateway.fromEnvironment(true));
        Priming.register();
    }

    TokenFunction(LambdaGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) {
        Invocations.answer(in, out, context, telemetry, gateway, (event, parts, coldStart) -> {
            GatewayRequest request = HttpApiExchange.request(event);
            Reply reply = parts.gateway().ownEndpoint(request).orElseGet(Rejection::notFound);
            telemetry.count(context, reply);
            telemetry.log(context, coldStart, "INFO", request.rawPath(), switch (reply.outcome()) {
                case Issued issued -> Map.of("outcome", "issued", "user", issued.claims().subject(),
                        "token_id", issued.claims().tokenId().value());
                case Rejection rejection -> rejection.identity().map(who -> Map.of("outcome", "rejected",
                        "reason", rejection.reason(), "user", who.subject(), "token_id", who.tokenId().value()))
                        .orElseGet(() -> Map.of("outcome", "rejected", "reason", rejection.reason()));
                case AdminAnswer admin when admin.action().isPresent() -> Map.of("outcome", "admin",
                        "actor", admin.actor(), "action", admin.action().get());
                default -> Map.of("outcome", "done");
            });
            GatewayResponse response = reply.toResponse();
            // The CORS grant, as the server adds it: each header the answer does not set itself.
            List<Header> headers = new ArrayList<>(response.headers());
            parts.gateway().corsHeaders(request).stream().filter(grant -> response.headers().stream()
                    .noneMatch(own -> own.name().equalsIgnoreCase(grant.name()))).forEach(headers::add);
            return HttpApiExchange.response(response.status(), headers, response.body());
        });
    }
}
