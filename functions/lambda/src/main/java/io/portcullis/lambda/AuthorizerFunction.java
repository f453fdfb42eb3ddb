package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import io.portcullis.core.AuthResult;
import io.portcullis.core.Authenticated;
import io.portcullis.core.MapHeaders;
import io.portcullis.core.Rejection;
import io.portcullis.core.RequestHeaders;
import io.portcullis.core.token.Identity;
import java.util.List;
import java.util.Map;

/**
 * The API Gateway Lambda authorizer: the token is valid and unrevoked, and the route admits its holder.
 *
 * <ul>
 *   <li>{@code ::handleRequest}: HTTP API, payload 2.0, simple responses ({@code isAuthorized} and a context).
 *       API Gateway answers 403 for every refusal in this mode; a request without {@code Authorization} gets its
 *       401 before the function runs.</li>
 *   <li>{@code ::handleRestRequest}: REST API TOKEN or REQUEST authorizers, and HTTP API payload 1.0: an IAM
 *       policy. A missing or invalid token fails with the literal {@code Unauthorized}, which API Gateway turns
 *       into 401; a route that does not admit the user gets an explicit Deny (403).</li>
 * </ul>
 * The context ({@code user}, {@code roles}, {@code token_id}, {@code expires_at}) reaches the forwarder and
 * HTTP_PROXY routes. With
 * result caching on ({@code AUTHORIZER_CACHE_TTL_SECONDS} above 0) the Allow covers the whole API, as API Gateway
 * requires; a cached answer then skips revocation and route checks for that long.
 */
public final class AuthorizerFunction implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> {
    private final LambdaGateway gateway;
    private final boolean cached;
    private final Telemetry telemetry = new Telemetry("authorizer");

    /** For the Lambda runtime: configured from the environment on the first invocation. */
    public AuthorizerFunction() {
        this(LambdaGateway.fromEnvironment(false), cacheTtl(System.getenv("AUTHORIZER_CACHE_TTL_SECONDS")) > 0);
        Priming.register();
    }

    AuthorizerFunction(LambdaGateway gateway, boolean cached) {
        this.gateway = gateway;
        this.cached = cached;
    }

    @Override
    public SimpleIAMPolicyResponse handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        AuthResult result = check(context, HttpApiExchange.headers(event.getHeaders(), event.getCookies()),
                event.getRawPath());
        return SimpleIAMPolicyResponse.builder()
                .withIsAuthorized(result instanceof Authenticated)
                .withContext(result instanceof Authenticated ok ? context(ok.claims().identity()) : Map.of())
                .build();
    }

    /** REST API (TOKEN or REQUEST) and HTTP API payload 1.0. */
    public IamPolicyResponse handleRestRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        boolean token = "TOKEN".equalsIgnoreCase(event.getType());
        RequestHeaders headers = token
                ? MapHeaders.of("Authorization", String.valueOf(event.getAuthorizationToken()))
                : HttpApiExchange.headers(event.getHeaders(), null);
        String path = token || event.getPath() == null ? MethodArn.parse(event.getMethodArn()).path() : event.getPath();
        AuthResult result = check(context, headers, path);
        if (result instanceof Rejection rejection && rejection.status() == 401) {
            throw new UnauthorizedException();
        }
        MethodArn arn = MethodArn.parse(event.getMethodArn());
        String resource = cached ? arn.wholeApi() : event.getMethodArn();
        return switch (result) {
            case Authenticated ok -> policy(ok.claims().subject(), IamPolicyResponse.ALLOW, resource,
                    Map.copyOf(context(ok.claims().identity())));
            case Rejection refused -> policy("anonymous", IamPolicyResponse.DENY, event.getMethodArn(), Map.of());
        };
    }

    private AuthResult check(Context context, RequestHeaders headers, String path) {
        boolean coldStart = telemetry.coldStart();
        LambdaGateway.Parts parts = gateway.parts();
        telemetry.coldStart(context, coldStart, parts);
        AuthResult result = parts.gateway().forward().checkAccess(headers, path);
        switch (result) {
            case Authenticated ok -> telemetry.log(context, coldStart, "INFO", "allowed",
                    Map.of("user", ok.claims().subject(), "token_id", ok.claims().tokenId().value()));
            case Rejection refused -> {
                telemetry.log(context, coldStart, "INFO", "denied", Map.of("reason", refused.reason()));
                telemetry.metric(context, "Rejected", 1, "Count", Map.of("Reason", refused.reason()));
            }
        }
        return result;
    }

    /**
     * What the forwarder and HTTP_PROXY integrations receive ({@code $context.authorizer.user}, {@code .roles},
     * {@code .token_id}, {@code .expires_at} in epoch milliseconds: an identity assertion never outlives the token):
     * strings only, as REST APIs require.
     */
    public static Map<String, String> context(Identity identity) {
        return Map.of("user", identity.subject(), "roles", String.join(",", identity.roles()),
                "token_id", identity.tokenId().value(),
                "expires_at", Long.toString(identity.expiresAt().toEpochMilli()));
    }

    private static IamPolicyResponse policy(String principal, String effect, String resource,
            Map<String, Object> context) {
        return IamPolicyResponse.builder()
                .withPrincipalId(principal)
                .withPolicyDocument(IamPolicyResponse.PolicyDocument.builder()
                        .withVersion(IamPolicyResponse.VERSION_2012_10_17)
                        .withStatement(List.of(IamPolicyResponse.Statement.builder()
                                .withAction(IamPolicyResponse.EXECUTE_API_INVOKE)
                                .withEffect(effect)
                                .withResource(List.of(resource))
                                .build()))
                        .build())
                .withContext(context)
                .build();
    }

    private static int cacheTtl(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The error whose message API Gateway turns into 401: exactly {@code Unauthorized}. */
    static final class UnauthorizedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnauthorizedException() {
            super("Unauthorized", null, false, false);
        }
    }
}
