package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.AuthResult;
import io.portcullis.core.Authenticated;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Json;
import io.portcullis.core.MapHeaders;
import io.portcullis.core.Rejection;
import io.portcullis.core.RequestHeaders;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.token.Identity;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The API Gateway Lambda authorizer: the token is valid and unrevoked, and the route admits its holder (its users,
 * roles and token type).
 *
 * <ul>
 *   <li>{@code ::handleRequest}: HTTP API, payload 2.0, simple responses ({@code isAuthorized} and a context). API
 *       Gateway answers every refusal in this mode with its own 403 {@code {"message":"Forbidden"}}.</li>
 *   <li>{@code ::handleRestRequest}: REST API TOKEN or REQUEST authorizers, and HTTP API payload 1.0: an IAM
 *       policy. A missing or invalid token fails with the literal {@code Unauthorized}, which API Gateway turns
 *       into 401; a route that does not admit the user gets an explicit Deny (403).</li>
 * </ul>
 * The context ({@code user}, {@code roles}, {@code token_id}, {@code expires_at}: the token's expiry in epoch
 * milliseconds) reaches the integration: the forwarder, or an HTTP_PROXY route's parameter mapping. Tokens come
 * from the {@code Authorization} header or the session and JWT cookies, as on the server.
 *
 * <p>With {@value #DIRECT_ROUTES}{@code =true} (Terraform sets it: there the authorizer guards only routes API
 * Gateway sends straight to a backend) a request is also refused when it carries an {@code Authorization} header,
 * which an HTTP API cannot keep from such a backend, and the context adds {@code cookie}: the client's cookies
 * without the token cookies, which the route's parameter mapping puts in place of the {@code Cookie} header. The
 * route's methods and the CSRF token of a state-changing browser request (from its header) are checked too.
 *
 * <p>With result caching on ({@value #CACHE_TTL} above 0) the IAM-policy Allow covers the whole API, as API Gateway
 * requires; a cached answer then skips revocation and route checks for that long. A store that cannot answer fails
 * the invocation (API Gateway's 500): an authorizer cannot answer 503.
 */
public final class AuthorizerFunction implements RequestStreamHandler {
    static final String DIRECT_ROUTES = "AUTHORIZER_DIRECT_ROUTES";
    static final String CACHE_TTL = "AUTHORIZER_CACHE_TTL_SECONDS";

    private final LambdaGateway gateway;
    private final boolean cached;
    private final boolean directRoutes;
    private final Telemetry telemetry = new Telemetry("authorizer");

    /** For the Lambda runtime: configured from the environment during init. */
    public AuthorizerFunction() {
        this(LambdaGateway.fromEnvironment(false), cacheTtl(System.getenv(CACHE_TTL)) > 0,
                Boolean.parseBoolean(System.getenv(DIRECT_ROUTES)));
        Priming.register();
    }

    AuthorizerFunction(LambdaGateway gateway, boolean cached, boolean directRoutes) {
        this.gateway = gateway;
        this.cached = cached;
        this.directRoutes = directRoutes;
    }

    /** HTTP API, payload 2.0, simple responses. */
    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) {
        ObjectNode event = Json.read(in);
        GatewayRequest request = new GatewayRequest(
                LambdaJson.text(event, "requestContext", "http", "method").orElse("GET").toUpperCase(Locale.ROOT),
                LambdaJson.text(event, "rawPath").orElse("/"),
                LambdaJson.text(event, "rawQueryString").orElse(""),
                HttpApiExchange.headers(event),
                HttpApiExchange.sourceAddress(LambdaJson.text(event, "requestContext", "http", "sourceIp").orElse("")),
                true,
                () -> new ByteArrayInputStream(new byte[0]));
        AuthResult result = check(context, request.headers(), request.rawPath(), request);
        ObjectNode answer = Json.object().put("isAuthorized", result instanceof Authenticated);
        ObjectNode contextNode = answer.putObject("context");
        if (result instanceof Authenticated ok) {
            context(ok.claims().identity()).forEach(contextNode::put);
            if (directRoutes) {
                contextNode.put("cookie", gateway.parts().gateway().forward().cookiesForBackend(request.headers())
                        .orElse(""));
            }
        }
        Json.write(out, answer);
    }

    /** REST API (TOKEN or REQUEST) and HTTP API payload 1.0. */
    public void handleRestRequest(InputStream in, OutputStream out, Context context) {
        ObjectNode event = Json.read(in);
        boolean token = "TOKEN".equalsIgnoreCase(LambdaJson.text(event, "type").orElse(""));
        String methodArn = LambdaJson.text(event, "methodArn").orElse(null);
        RequestHeaders headers = token
                ? MapHeaders.of("Authorization", LambdaJson.text(event, "authorizationToken").orElse(""))
                : HttpApiExchange.headers(event);
        String path = token ? MethodArn.parse(methodArn).path()
                : LambdaJson.text(event, "path").orElseGet(() -> MethodArn.parse(methodArn).path());
        AuthResult result = check(context, headers, path, null);
        if (result instanceof Rejection rejection && rejection.status() == 401) {
            throw new UnauthorizedException();
        }
        String resource = cached ? MethodArn.parse(methodArn).wholeApi() : methodArn;
        ObjectNode policy = switch (result) {
            case Authenticated ok -> policy(ok.claims().subject(), "Allow", resource, context(ok.claims().identity()));
            case Rejection refused -> policy("anonymous", "Deny", methodArn, Map.of());
        };
        Json.write(out, policy);
    }

    /**
     * @param direct the whole request, when the answer is for a route API Gateway sends straight to a backend
     *     (payload 2.0 with {@value #DIRECT_ROUTES} on)
     */
    private AuthResult check(Context context, RequestHeaders headers, String path, GatewayRequest direct) {
        boolean coldStart = telemetry.coldStart();
        LambdaGateway.Parts parts = gateway.parts();
        telemetry.coldStart(context, coldStart, parts);
        AuthResult result;
        try {
            if (directRoutes && direct != null && !headers.all("Authorization").isEmpty()) {
                result = Rejection.forbidden("a route API Gateway sends straight to its backend would pass the "
                        + "Authorization header on; use the session cookie there", "authorization_on_direct_route");
            } else if (directRoutes && direct != null) {
                result = parts.gateway().forward().checkDirectAccess(direct);
            } else {
                result = parts.gateway().forward().checkAccess(headers, path);
            }
        } catch (StoreUnavailableException e) {
            telemetry.log(context, coldStart, "WARN", "store unavailable", Map.of("error", e.getMessage()));
            throw e;
        }
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
        Map<String, String> context = new LinkedHashMap<>();
        context.put("user", identity.subject());
        context.put("roles", String.join(",", identity.roles()));
        context.put("token_id", identity.tokenId().value());
        context.put("expires_at", Long.toString(identity.expiresAt().toEpochMilli()));
        return context;
    }

    private static ObjectNode policy(String principal, String effect, String resource, Map<String, String> context) {
        ObjectNode policy = Json.object().put("principalId", principal);
        ObjectNode document = policy.putObject("policyDocument").put("Version", "2012-10-17");
        document.putArray("Statement").addObject()
                .put("Action", "execute-api:Invoke")
                .put("Effect", effect)
                .putArray("Resource").add(resource);
        ObjectNode contextNode = policy.putObject("context");
        context.forEach(contextNode::put);
        return policy;
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
