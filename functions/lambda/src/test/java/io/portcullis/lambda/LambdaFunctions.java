package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.core.Fixtures;
import io.portcullis.core.Gateway;
import java.util.Base64;
import java.util.Map;

/** The three functions on one in-memory gateway, as an API Gateway deployment would invoke them. */
final class LambdaFunctions {
    final LambdaGateway gateway;
    final TokenFunction token;
    final AuthorizerFunction authorizer;
    final ForwarderFunction forwarder;
    final TestContext context = new TestContext();

    /** {@code yaml} is added to the fixture base config (one key, fast Argon2); the secret comes by ARN. */
    LambdaFunctions(String yaml) {
        this("ttl-seconds: 3600", yaml);
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
        String config = Fixtures.baseYaml(tokenSettings).replace(Fixtures.SECRET, "${PORTCULLIS_TOKEN_SECRET}") + yaml;
        gateway = new LambdaGateway(() -> Map.of("PORTCULLIS_CONFIG_YAML", config,
                "PORTCULLIS_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:token"),
                arn -> Fixtures.SECRET, ownsUsers);
        token = new TokenFunction(gateway);
        authorizer = new AuthorizerFunction(gateway, false);
        forwarder = new ForwarderFunction(gateway);
    }

    /** Like API Gateway's routes: the gateway's own paths to the token function, the rest to the forwarder. */
    APIGatewayV2HTTPResponse invoke(APIGatewayV2HTTPEvent event) {
        return Gateway.isOwnPath(event.getRawPath())
                ? token.handleRequest(event, context)
                : forwarder.handleRequest(event, context);
    }

    static byte[] body(APIGatewayV2HTTPResponse response) {
        if (response.getBody() == null) {
            return new byte[0];
        }
        return response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                : response.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
