package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.core.Fixtures;
import io.portcullis.core.Gateway;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three functions on one in-memory gateway, invoked as the Lambda runtime invokes them: the event written to JSON
 * by the runtime's own serialization (aws-lambda-java-serialization), the handler's JSON answer read back the same
 * way API Gateway would read it.
 */
final class LambdaFunctions {
    final LambdaGateway gateway;
    final TokenFunction token;
    final AuthorizerFunction authorizer;
    final ForwarderFunction forwarder;
    final TestContext context = new TestContext();

    /** A stream handler method: {@code (event, answer, context)}. */
    @FunctionalInterface
    interface Handler {
        void handle(InputStream in, OutputStream out, Context context) throws IOException;
    }

    /** {@code yaml} is added to the fixture base config (one key, fast Argon2); the secret comes by ARN. */
    LambdaFunctions(String yaml) {
        this("ttl-seconds: 3600", yaml);
    }

    /** @param directRoutes whether the authorizer guards HTTP_PROXY routes ({@code AUTHORIZER_DIRECT_ROUTES}) */
    LambdaFunctions(String yaml, boolean directRoutes) {
        this("ttl-seconds: 3600", yaml, true, directRoutes);
    }

    /** @param tokenSettings the {@code tokens} section's settings besides its key */
    LambdaFunctions(String tokenSettings, String yaml) {
        this(tokenSettings, yaml, true);
    }

    /**
     * @param ownsUsers whether the environment writes the config's users at its cold start, as the token
     *     function's does (the forwarder's and the authorizer's never touch the users table)
     */
    LambdaFunctions(String tokenSettings, String yaml, boolean ownsUsers) {
        this(tokenSettings, yaml, ownsUsers, false);
    }

    private LambdaFunctions(String tokenSettings, String yaml, boolean ownsUsers, boolean directRoutes) {
        String config = Fixtures.baseYaml(tokenSettings).replace(Fixtures.SECRET, "${PORTCULLIS_TOKEN_SECRET}") + yaml;
        gateway = new LambdaGateway(Map.of("PORTCULLIS_CONFIG_YAML", config,
                "PORTCULLIS_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:token"),
                arn -> Fixtures.SECRET, ownsUsers);
        token = new TokenFunction(gateway);
        authorizer = new AuthorizerFunction(gateway, false, directRoutes);
        forwarder = new ForwarderFunction(gateway);
    }

    /** Like API Gateway's routes: the gateway's own paths to the token function, the rest to the forwarder. */
    APIGatewayV2HTTPResponse invoke(APIGatewayV2HTTPEvent event) {
        return Gateway.isOwnPath(event.getRawPath()) ? token(event) : forward(event);
    }

    APIGatewayV2HTTPResponse token(APIGatewayV2HTTPEvent event) {
        return httpResponse(call(token::handleRequest, Events.write(APIGatewayV2HTTPEvent.class, event)));
    }

    APIGatewayV2HTTPResponse forward(APIGatewayV2HTTPEvent event) {
        return httpResponse(call(forwarder::handleRequest, Events.write(APIGatewayV2HTTPEvent.class, event)));
    }

    /** The authorizer's simple response (HTTP API, payload 2.0). */
    SimpleIAMPolicyResponse authorize(APIGatewayV2CustomAuthorizerEvent event) {
        JsonNode answer = json(call(authorizer::handleRequest, Events.write(APIGatewayV2CustomAuthorizerEvent.class,
                event)));
        Map<String, String> context = new LinkedHashMap<>();
        answer.path("context").properties().forEach(e -> context.put(e.getKey(), e.getValue().asText()));
        return SimpleIAMPolicyResponse.builder().withIsAuthorized(answer.path("isAuthorized").asBoolean())
                .withContext(context).build();
    }

    /** The authorizer's IAM policy (REST, HTTP API payload 1.0), as API Gateway reads it. */
    JsonNode authorizeRest(APIGatewayCustomAuthorizerEvent event) {
        return json(call(authorizer::handleRestRequest, Events.write(APIGatewayCustomAuthorizerEvent.class, event)));
    }

    /** Runs {@code handler} on {@code event}'s bytes; returns the bytes it answered. */
    byte[] call(Handler handler, String event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handle(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static APIGatewayV2HTTPResponse httpResponse(byte[] answer) {
        return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class,
                LambdaFunctions.class.getClassLoader()).fromJson(new ByteArrayInputStream(answer));
    }

    static JsonNode json(byte[] answer) {
        try {
            return new ObjectMapper().readTree(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] body(APIGatewayV2HTTPResponse response) {
        if (response.getBody() == null) {
            return new byte[0];
        }
        return response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                : response.getBody().getBytes(StandardCharsets.UTF_8);
    }
}
