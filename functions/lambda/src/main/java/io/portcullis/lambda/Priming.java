package io.portcullis.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Json;
import io.portcullis.core.Gateway;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Rejection;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.User;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.password.Argon2Params;
import io.portcullis.core.password.Passwords;
import io.portcullis.infra.UpstreamClient;
import io.portcullis.infra.UpstreamException;
import io.portcullis.infra.dynamodb.DynamoDbStores;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * SnapStart priming: before the snapshot is taken, requests run through the real code paths, so the snapshot holds
 * their classes loaded and initialised. Everything it builds is thrown away; the real gateway, its keys, clients and
 * random state are made after restore, on the first invocation. What it runs:
 * <ol>
 *   <li>HTTP API events read and answers written as JSON, as the handlers do;</li>
 *   <li>on an in-memory gateway with a key used for nothing else: a login (Argon2 verify, token minted), the token
 *       checked as the authorizer checks it, and a forwarded request sent by the real upstream client to a closed
 *       port on 127.0.0.1 (connect refused, the 502 path);</li>
 *   <li>the DynamoDB stores on the gateway's DynamoDB client ({@code DynamoDbJsonClient}) with static dummy
 *       credentials against that closed port: a user read (GetItem), a revocation check (Query), a rate-limit
 *       count (UpdateItem), each failing within the 500 ms store timeout (request marshalling, signing, the HTTP
 *       client, the error path);</li>
 *   <li>the Secrets Manager call ({@link Secrets.Manager}), likewise: GetSecretValue to the closed port.</li>
 * </ol>
 * Nothing leaves the machine, and no credential, secret or connection of the function is in the snapshot.
 */
final class Priming implements Resource {
    private static final AtomicBoolean REGISTERED = new AtomicBoolean();
    private static final Priming INSTANCE = new Priming();
    /** Not a secret: a key that only ever seals priming tokens in a discarded gateway. */
    private static final String YAML = """
            tokens: { keys: [ { id: priming, secret: "priming-only-not-a-secret-0123456789-abcdefghijklmnop" } ] }
            passwords: { argon2: { memory-kib: 64, iterations: 1, parallelism: 1 }, threads: 1 }
            store: { type: %s, endpoint: "http://127.0.0.1:%d", region: us-east-1, timeout: 500ms }
            upstream: { connect-timeout: 500ms, read-timeout: 500ms }
            routes: [ { prefix: /, target: "http://127.0.0.1:%2$d" } ]
            """;

    /** What priming saw, for its test: each status, and whether each AWS client reached its failure path. */
    record Outcome(int login, int authorized, int forwarded, int dynamoLogin, int dynamoFailures,
            boolean secretsFailed) {
    }

    private Priming() {
    }

    static void register() {
        if (REGISTERED.compareAndSet(false, true)) {
            Core.getGlobalContext().register(INSTANCE);
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to rebuild: no connection, key or random state made before the snapshot was kept.
    }

    static Outcome prime() {
        int closed = closedPort();
        Clock clock = Clock.systemUTC();
        GatewayConfig memory = ConfigLoader.fromYaml(YAML.formatted("memory", closed), Map.of());
        Passwords passwords = new Passwords(new Argon2Params(64, 1, 1));
        User user = new User("priming", passwords.hash("priming".toCharArray()), List.of("priming"), List.of());
        int login;
        int authorized;
        int forwarded;
        String token;
        io.portcullis.core.token.Identity identity;
        try (Gateway gateway = Gateway.create(memory, Gateway.Stores.inMemory(List.of(user), clock), clock)) {
            ObjectNode answer = HttpApiExchange.response(gateway.ownEndpoint(HttpApiExchange.request(event("POST",
                    "/auth", "{\"username\":\"priming\",\"password\":\"priming\"}"))).orElseThrow().toResponse());
            Json.write(OutputStream.nullOutputStream(), answer);
            login = answer.path("statusCode").asInt();
            token = Json.read(new ByteArrayInputStream(answer.path("body").asText()
                    .getBytes(StandardCharsets.UTF_8))).path("token").asText();
            GatewayRequest request = HttpApiExchange.request(withToken(event("GET", "/api/x", null), token));
            io.portcullis.core.AuthResult access = gateway.forward().checkDirectAccess(request);
            authorized = access instanceof Rejection refused ? refused.status() : 200;
            identity = ((io.portcullis.core.Authenticated) access).claims().identity();
            AuthorizerFunction.context(identity);
            forwarded = switch (gateway.forward().forward(request, ForwarderFunction.authorizerIdentity(
                    withToken(event("GET", "/api/x", null), token)))) {
                case Rejection rejection -> rejection.status();
                case ForwardingPlan plan -> send(new UpstreamClient(memory.upstream()), plan, request);
            };
        }

        SdkHttpClient http = UrlConnectionHttpClient.create();
        URI endpoint = URI.create("http://127.0.0.1:" + closed);
        GatewayConfig dynamo = ConfigLoader.fromYaml(YAML.formatted("dynamodb", closed), Map.of());
        int dynamoLogin;
        int dynamoFailures = 0;
        try (DynamoDbClient client = DynamoDbStores.client(dynamo.store(), http, Optional.empty(), Optional.of(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"))));
             Gateway gateway = Gateway.create(dynamo, DynamoDbStores.create(client, dynamo, clock,
                     Optional.empty()), clock)) {
            try {
                dynamoLogin = gateway.ownEndpoint(HttpApiExchange.request(event("POST", "/auth",
                        "{\"username\":\"priming\",\"password\":\"priming\"}"))).orElseThrow().toResponse().status();
            } catch (StoreUnavailableException expected) {
                dynamoLogin = 503;
            }
            GatewayRequest request = HttpApiExchange.request(withToken(event("GET", "/api/x", null), token));
            try {
                gateway.forward().checkAccess(request.headers(), request.rawPath());
            } catch (StoreUnavailableException expected) {
                dynamoFailures++;
            }
            try {
                if (gateway.forward().forward(request, Optional.of(identity)) instanceof Rejection refused
                        && refused.status() == 503) {
                    dynamoFailures++;
                }
            } catch (StoreUnavailableException expected) {
                dynamoFailures++;
            }
        }
        boolean secretsFailed = false;
        try {
            new Secrets.Manager(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "priming",
                    "AWS_SECRET_ACCESS_KEY", "priming", "AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint.toString()),
                    () -> http)
                    .apply("arn:aws:secretsmanager:us-east-1:000000000000:secret:priming");
        } catch (StoreUnavailableException expected) {
            secretsFailed = true;
        }
        http.close();
        return new Outcome(login, authorized, forwarded, dynamoLogin, dynamoFailures, secretsFailed);
    }

    /** An HTTP API payload 2.0 event, as API Gateway sends it. */
    private static ObjectNode event(String method, String path, String jsonBody) {
        ObjectNode event = Json.object().put("version", "2.0").put("routeKey", "$default")
                .put("rawPath", path).put("rawQueryString", "");
        ObjectNode headers = event.putObject("headers").put("host", "priming.invalid");
        ObjectNode http = event.putObject("requestContext").putObject("http");
        http.put("method", method).put("path", path).put("sourceIp", "127.0.0.1");
        if (jsonBody != null) {
            headers.put("content-type", "application/json");
            event.put("body", jsonBody).put("isBase64Encoded", false);
        }
        return event;
    }

    /** A local port nothing listens on: bound, then released. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            return 9;
        }
    }

    private static ObjectNode withToken(ObjectNode event, String token) {
        ((ObjectNode) event.path("headers")).put("authorization", "Bearer " + token);
        return event;
    }

    /** The real upstream client, sending a plan to the closed port: the forwarder's 502 path. */
    private static int send(UpstreamClient upstream, ForwardingPlan plan, GatewayRequest request) {
        try (UpstreamClient client = upstream) {
            client.exchange(plan, request.headers(), null, (status, headers) -> new ByteArrayOutputStream());
            return 200;
        } catch (UpstreamException | IOException e) {
            return Rejection.badGateway().status();
        }
    }
}
