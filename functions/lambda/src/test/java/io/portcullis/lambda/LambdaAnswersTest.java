package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What issue 14 asked of the functions' answers: the server's answers, on API Gateway's events. */
class LambdaAnswersTest {
    private static final String ORIGIN = "https://app.example";
    private final LambdaFunctions functions = new LambdaFunctions("""
            users: [ { username: alice, password: "%s", roles: [admin] } ]
            store: { type: memory }
            cors: { origins: [ "%s" ] }
            browser: { login-redirect: /api/home }
            routes:
              - { prefix: /, target: "http://127.0.0.1:9" }
              - { prefix: /api, target: "http://127.0.0.1:9", methods: [GET, POST] }
            """.formatted(Hashes.of("wonderland"), ORIGIN), true);

    @Test
    void tokenFunction_answersWithTheCorsGrant_and405ForAnotherMethod() {
        APIGatewayV2HTTPResponse login = functions.token(Events.httpApi("POST", "/auth",
                Map.of("content-type", "application/json", "origin", ORIGIN),
                "{\"username\":\"alice\",\"password\":\"wonderland\"}".getBytes(StandardCharsets.UTF_8)));
        APIGatewayV2HTTPResponse get = functions.token(Events.httpApi("GET", "/auth", Map.of(), new byte[0]));

        assertThat(login.getStatusCode()).isEqualTo(200);
        assertThat(login.getHeaders()).containsEntry("Access-Control-Allow-Origin", ORIGIN)
                .containsEntry("Access-Control-Allow-Credentials", "true");
        assertThat(get.getStatusCode()).isEqualTo(405);
        assertThat(get.getHeaders()).containsEntry("Allow", "POST");
    }

    @Test
    void forwarder_answersPreflights_and404sTheServersOwnEndpoints_beforeAnyRoute() throws Exception {
        APIGatewayV2HTTPResponse preflight = functions.forward(Events.httpApi("OPTIONS", "/api/x",
                Map.of("origin", ORIGIN, "access-control-request-method", "POST"), new byte[0]));
        APIGatewayV2HTTPResponse tokens = functions.forward(Events.httpApi("GET", "/admin/tokens",
                Map.of("authorization", "Bearer " + token()), new byte[0]));

        assertThat(preflight.getStatusCode()).isEqualTo(204);
        assertThat(preflight.getHeaders()).containsEntry("Access-Control-Allow-Methods", "POST");
        assertThat(tokens.getStatusCode()).as("never the / route's backend").isEqualTo(404);
        assertThat(new ObjectMapper().readTree(tokens.getBody()).get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void forwarder_withoutAToken_answersTheServers401_withAChallenge() throws Exception {
        APIGatewayV2HTTPResponse response = functions.forward(Events.httpApi("GET", "/api/x", Map.of(), new byte[0]));

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeaders()).containsKey("WWW-Authenticate");
        assertThat(new ObjectMapper().readTree(response.getBody()).get("error").asText()).isEqualTo("missing_token");
    }

    @Test
    void directRouteAuthorizer_takesTheSessionCookie_refusesAuthorization_andChecksMethodAndCsrf() {
        String session = sessionCookie();

        var get = functions.authorize(Events.authorizerV2WithCookies("GET", "/api/x", List.of(session, "a=1")));
        var post = functions.authorize(Events.authorizerV2WithCookies("POST", "/api/x", List.of(session)));
        var delete = functions.authorize(Events.authorizerV2WithCookies("DELETE", "/api/x", List.of(session)));
        var bearer = functions.authorize(Events.authorizerV2("/api/x", "Bearer " + token()));

        assertThat(get.getIsAuthorized()).isTrue();
        assertThat(get.getContext()).containsEntry("user", "alice").containsEntry("cookie", "a=1");
        assertThat(post.getIsAuthorized()).as("a state-changing browser request without its CSRF header").isFalse();
        assertThat(delete.getIsAuthorized()).as("a method the route does not take").isFalse();
        assertThat(bearer.getIsAuthorized()).as("Authorization would reach the backend").isFalse();
        assertThat(functions.context.lines).anyMatch(line -> line.contains("csrf_missing"))
                .anyMatch(line -> line.contains("authorization_on_direct_route"));
    }

    @Test
    void restAuthorizer_readsTheCookieHeader() {
        var policy = functions.authorizeRest(Events.restRequest("/api/x", Map.of("Cookie", sessionCookie())));

        assertThat(policy.get("principalId").asText()).isEqualTo("alice");
        assertThat(policy.get("policyDocument").get("Statement").get(0).get("Effect").asText()).isEqualTo("Allow");
    }

    private String token() {
        try {
            return new ObjectMapper().readTree(functions.token(Events.httpApi("POST", "/auth",
                    Map.of("content-type", "application/json"),
                    "{\"username\":\"alice\",\"password\":\"wonderland\"}".getBytes(StandardCharsets.UTF_8)))
                    .getBody()).get("token").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String sessionCookie() {
        APIGatewayV2HTTPResponse login = functions.token(Events.httpApi("POST", "/auth",
                Map.of("content-type", "application/x-www-form-urlencoded"),
                "username=alice&password=wonderland".getBytes(StandardCharsets.UTF_8)));
        return login.getCookies().stream().filter(c -> c.startsWith("__Host-portcullis="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
    }
}
