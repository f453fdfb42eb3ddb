package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.core.AdminAnswer;
import io.portcullis.core.Issued;
import io.portcullis.core.Rejection;
import io.portcullis.core.Reply;
import java.util.Map;

/**
 * {@code POST /auth}, {@code POST /auth/refresh}, {@code POST /auth/revoke}, {@code POST /logout},
 * {@code POST /admin/revoke}, TOTP enrolment, {@code GET /logout}, the admin API's user management
 * ({@code /admin/users}), {@code GET /.well-known/jwks.json} and {@code GET /openapi.yaml} behind an HTTP API
 * (payload 2.0), with the server's contract and status codes. A refresh token found reused is logged with the user
 * and token id of its login (never the token).
 * Handler: {@code io.portcullis.lambda.TokenFunction::handleRequest}.
 */
public final class TokenFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final LambdaGateway gateway;
    private final Telemetry telemetry = new Telemetry("token");

    /** For the Lambda runtime: configured from the environment on the first invocation. */
    public TokenFunction() {
        this(LambdaGateway.fromEnvironment(true));
        Priming.register();
    }

    TokenFunction(LambdaGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Invocations.answer(context, telemetry, gateway, (parts, coldStart) -> {
            Reply reply = parts.gateway().ownEndpoint(HttpApiExchange.request(event))
                    .orElseGet(Rejection::notFound);
            telemetry.count(context, reply);
            telemetry.log(context, coldStart, "INFO", event.getRawPath(), switch (reply.outcome()) {
                case Issued issued -> Map.of("outcome", "issued", "user", issued.claims().subject(),
                        "token_id", issued.claims().tokenId().value());
                case Rejection rejection -> rejection.identity().map(who -> Map.of("outcome", "rejected",
                        "reason", rejection.reason(), "user", who.subject(), "token_id", who.tokenId().value()))
                        .orElseGet(() -> Map.of("outcome", "rejected", "reason", rejection.reason()));
                case AdminAnswer admin when admin.action().isPresent() -> Map.of("outcome", "admin",
                        "actor", admin.actor(), "action", admin.action().get());
                default -> Map.of("outcome", "done");
            });
            return HttpApiExchange.response(reply.toResponse());
        });
    }
}
