package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizerFunctionTest {
    private final LambdaFunctions functions = new LambdaFunctions("""
            users:
              - { username: alice, password: "%s", roles: [admin, ops] }
              - { username: bob, password: "%s" }
            store: { type: memory }
            routes:
              - { prefix: /api, target: "http://127.0.0.1:9" }
              - { prefix: /admin, target: "http://127.0.0.1:9", roles: [admin] }
            """.formatted(Hashes.of("wonderland"), Hashes.of("builder")));

    @Test
    void httpApi_validToken_isAuthorizedWithTheIdentityAsContext() throws Exception {
        String token = login("alice", "wonderland");

        SimpleIAMPolicyResponse response = functions.authorize(
                Events.authorizerV2("/admin/panel", "Bearer " + token));

        assertThat(response.getIsAuthorized()).isTrue();
        assertThat(response.getContext()).containsEntry("user", "alice").containsEntry("roles", "admin,ops")
                .containsKey("token_id");
        assertThat(Long.parseLong((String) response.getContext().get("expires_at")))
                .as("the token's expiry, which an identity assertion must not outlive")
                .isBetween(System.currentTimeMillis(), System.currentTimeMillis() + 3_600_000);
        JsonNode wire = new ObjectMapper().readTree(Events.write(SimpleIAMPolicyResponse.class, response));
        assertThat(wire.get("isAuthorized").asBoolean()).isTrue();
        assertThat(wire.get("context").get("user").asText()).isEqualTo("alice");
    }

    @Test
    void httpApi_badTokenOrForbiddenRoute_isNotAuthorized() throws Exception {
        String bob = login("bob", "builder");

        assertThat(functions.authorize(Events.authorizerV2("/api/x", "Bearer nope"))
                .getIsAuthorized()).isFalse();
        assertThat(functions.authorize(Events.authorizerV2("/admin/x", "Bearer " + bob)).getIsAuthorized()).isFalse();
        assertThat(functions.authorize(Events.authorizerV2("/api/x", "Bearer " + bob)).getIsAuthorized()).isTrue();
    }

    @Test
    void rest_validToken_allowsThisMethodOnly_withThePrincipal() throws Exception {
        String token = login("alice", "wonderland");

        JsonNode response = functions.authorizeRest(Events.restRequest("/api/items", "Bearer " + token));

        assertThat(response.get("principalId").asText()).isEqualTo("alice");
        assertThat(statement(response)).containsEntry("Effect", "Allow")
                .containsEntry("Action", "execute-api:Invoke")
                .containsEntry("Resource", List.of("arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/api/items"));
        assertThat(response.get("context").get("user").asText()).isEqualTo("alice");
    }

    @Test
    void rest_tokenType_readsThePathFromTheMethodArn() throws Exception {
        String bob = login("bob", "builder");

        JsonNode forbidden = functions.authorizeRest(Events.restToken("/admin/x", "Bearer " + bob));
        JsonNode allowed = functions.authorizeRest(Events.restToken("/api/x", "Bearer " + bob));

        assertThat(statement(forbidden)).containsEntry("Effect", "Deny");
        assertThat(statement(allowed)).containsEntry("Effect", "Allow");
    }

    @Test
    void httpApiPayload10_getsAnIamPolicy() throws Exception {
        String bob = login("bob", "builder");

        assertThat(statement(functions.authorizeRest(Events.httpApiV1("/api/x", "Bearer " + bob)))).containsEntry("Effect", "Allow");
        assertThat(statement(functions.authorizeRest(Events.httpApiV1("/admin/x", "Bearer " + bob)))).containsEntry("Effect", "Deny");
    }

    @Test
    void rest_missingOrInvalidToken_failsWithTheLiteralUnauthorized() {
        assertThatThrownBy(() -> functions.authorizeRest(Events.restToken("/api/x", "Bearer nope"))).hasMessage("Unauthorized");
        assertThatThrownBy(() -> functions.authorizeRest(Events.restRequest("/api/x", ""))).hasMessage("Unauthorized");
    }

    @Test
    void rest_withCaching_allowCoversTheWholeApi() throws Exception {
        AuthorizerFunction cached = new AuthorizerFunction(functions.gateway, true, false);
        String token = login("alice", "wonderland");

        JsonNode response = LambdaFunctions.json(functions.call(cached::handleRestRequest,
                Events.write(com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent.class,
                        Events.restRequest("/api/items", "Bearer " + token))));

        assertThat(statement(response)).containsEntry("Resource",
                List.of("arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/*/*"))
                .containsEntry("Effect", "Allow");
    }

    @Test
    void logs_neverCarryTheToken() throws Exception {
        String token = login("alice", "wonderland");
        functions.authorize(Events.authorizerV2("/api/x", "Bearer " + token));

        assertThat(functions.context.lines).isNotEmpty().noneMatch(line -> line.contains(token));
        assertThat(functions.context.lines).anySatisfy(line -> {
            JsonNode json = new ObjectMapper().readTree(line);
            assertThat(json.path("function").asText()).isEqualTo("authorizer");
            assertThat(json.has("request_id")).isTrue();
            assertThat(json.has("cold_start")).isTrue();
        });
    }

    /** The policy's statement as API Gateway receives it, on the wire. */
    private static Map<String, Object> statement(JsonNode response) {
        JsonNode statement = response.get("policyDocument").get("Statement").get(0);
        return new ObjectMapper().convertValue(statement, new com.fasterxml.jackson.core.type.TypeReference<>() { });
    }

    private String login(String user, String password) throws Exception {
        var response = functions.invoke(Events.httpApi("POST", "/auth", Map.of("content-type", "application/json"),
                ("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8)));
        return new ObjectMapper().readTree(response.getBody()).get("token").asText();
    }
}
