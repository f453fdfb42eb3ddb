package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.core.Fixtures;
import io.portcullis.infra.dynamodb.LocalDynamo;
import io.portcullis.infra.dynamodb.TableNames;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged artifact ({@code target/portcullis-lambda.zip}) under the real AWS Lambda runtime interface client,
 * one child JVM per function, started by the handler strings Terraform uses. Around it: a Runtime API endpoint,
 * DynamoDB Local over HTTP, a Secrets Manager endpoint that answers signed {@code GetSecretValue} calls, and a
 * backend. Records cold start (process start to first answer) and warm invocation times in
 * {@code target/lambda-timings.txt}.
 */
class RuntimeClientIT {
    private static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:portcullis-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static LocalDynamo.HttpServer dynamo;
    static HttpServer secretsManager;
    static HttpServer backend;
    static final List<String> secretRequests = new ArrayList<>();
    static final List<String> timings = new ArrayList<>();
    static Path packageDir;
    static String configYaml;

    @BeforeAll
    static void start() throws Exception {
        packageDir = unzip(Path.of("target", "portcullis-lambda.zip"), dir.resolve("package"));
        dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
        TableNames tables = LocalDynamo.freshTables(dynamo.client(Duration.ofSeconds(20)));
        String prefix = tables.users().substring(0, tables.users().length() - "users".length());
        secretsManager = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        secretsManager.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            secretRequests.add(target + " " + authorization.split(" ")[0]);
            byte[] body = JSON.writeValueAsBytes(Map.of("ARN", SECRET_ARN, "Name", "portcullis-token",
                    "SecretString", Fixtures.SECRET, "VersionId", "v1"));
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        secretsManager.start();
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            byte[] body = ("hello " + exchange.getRequestHeaders().getFirst("X-User")).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        configYaml = """
                tokens: { keys: [ { id: k1, secret: "${PORTCULLIS_TOKEN_SECRET}" } ] }
                users: [ { username: alice, password: "%s", roles: [admin] } ]
                store: { type: dynamodb, endpoint: "%s", region: us-east-1, table-prefix: "%s" }
                routes: [ { prefix: /api, target: "http://127.0.0.1:%d" } ]
                """.formatted(Hashes.of("wonderland"), dynamo.endpoint(), prefix, backend.getAddress().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        Files.write(Path.of("target", "lambda-timings.txt"), timings);
        timings.forEach(System.out::println);
        backend.stop(0);
        secretsManager.stop(0);
        dynamo.close();
    }

    @Test
    void theThreeFunctions_runUnderTheRuntimeClient_endToEnd() throws Exception {
        String token;
        try (Function function = Function.start("token", FunctionHandlers.TOKEN)) {
            JsonNode login = function.call(Events.write(APIGatewayV2HTTPEvent.class, Events.httpApi("POST", "/auth",
                    Map.of("content-type", "application/json"),
                    "{\"username\":\"alice\",\"password\":\"wonderland\"}".getBytes(StandardCharsets.UTF_8))));
            assertThat(login.get("statusCode").asInt()).as(login.toString()).isEqualTo(200);
            token = JSON.readTree(login.get("body").asText()).get("token").asText();
            function.warm(Events.write(APIGatewayV2HTTPEvent.class, Events.httpApi("POST", "/auth",
                    Map.of("content-type", "application/json"),
                    "{\"username\":\"alice\",\"password\":\"nope\"}".getBytes(StandardCharsets.UTF_8))));
            assertThat(function.log()).contains("\"cold_start\":true").doesNotContain(token);
        }
        assertThat(secretRequests).allMatch(call -> call.equals("secretsmanager.GetSecretValue AWS4-HMAC-SHA256"));

        try (Function function = Function.start("authorizer", FunctionHandlers.AUTHORIZER)) {
            JsonNode allowed = function.call(Events.write(APIGatewayV2CustomAuthorizerEvent.class,
                    Events.authorizerV2("/api/x", "Bearer " + token)));
            assertThat(allowed.get("isAuthorized").asBoolean()).as(allowed.toString()).isTrue();
            assertThat(allowed.get("context").get("user").asText()).isEqualTo("alice");
            function.warm(Events.write(APIGatewayV2CustomAuthorizerEvent.class,
                    Events.authorizerV2("/api/x", "Bearer " + token)));
        }

        try (Function function = Function.start("forwarder", FunctionHandlers.FORWARDER)) {
            JsonNode forwarded = function.call(Events.write(APIGatewayV2HTTPEvent.class, Events.httpApi("GET",
                    "/api/x", Map.of("authorization", "Bearer " + token), new byte[0])));
            assertThat(forwarded.get("statusCode").asInt()).as(forwarded.toString()).isEqualTo(200);
            assertThat(forwarded.get("body").asText()).isEqualTo("hello alice");
            function.warm(Events.write(APIGatewayV2HTTPEvent.class, Events.httpApi("GET",
                    "/api/x", Map.of("authorization", "Bearer " + token), new byte[0])));
        }
    }

    /** One function in its own JVM under the runtime interface client. */
    private static final class Function implements AutoCloseable {
        private final String name;
        private final RuntimeApiStub runtime;
        private final Process process;
        private final Path log;
        private final long startedNanos;
        private boolean cold = true;

        private Function(String name, RuntimeApiStub runtime, Process process, Path log, long startedNanos) {
            this.name = name;
            this.runtime = runtime;
            this.process = process;
            this.log = log;
            this.startedNanos = startedNanos;
        }

        static Function start(String name, String handler) throws IOException {
            RuntimeApiStub runtime = new RuntimeApiStub();
            Path log = dir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(javaCommand(handler))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("AWS_LAMBDA_RUNTIME_API", runtime.address());
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:" + secretsManager.getAddress().getPort());
            env.put("PORTCULLIS_TOKEN_SECRET_ARN", SECRET_ARN);
            env.put("PORTCULLIS_CONFIG_YAML", configYaml);
            long started = System.nanoTime();
            return new Function(name, runtime, builder.start(), log, started);
        }

        /** Invokes with {@code event}; the first call's time is the cold start. */
        JsonNode call(String event) throws Exception {
            long sent = System.nanoTime();
            String id = runtime.invoke(event);
            RuntimeApiStub.Result result = null;
            for (int waited = 0; result == null && waited < 60; waited++) {
                result = runtime.poll(id, 1);
                if (result == null && !process.isAlive()) {
                    break;
                }
            }
            if (result == null) {
                throw new AssertionError("no answer from " + name + "; its output:\n" + log());
            }
            if (cold) {
                java.util.regex.Matcher build = java.util.regex.Pattern.compile("\"build_ms\":\"(\\d+)\"")
                        .matcher(log());
                timings.add(String.format("%-10s cold start (process start to first answer): %5d ms, of which "
                        + "building the gateway (secrets, config, clients) %s ms", name,
                        (result.receivedNanos() - startedNanos) / 1_000_000, build.find() ? build.group(1) : "?"));
                cold = false;
            } else {
                timings.add(String.format("%-10s warm invocation: %.1f ms", name, (result.receivedNanos() - sent) / 1e6));
            }
            assertThat(result.error()).as(result.body() + "\n" + log()).isFalse();
            return JSON.readTree(result.body());
        }

        /** Ten warm invocations, each timed. */
        void warm(String event) throws Exception {
            for (int i = 0; i < 10; i++) {
                call(event);
            }
        }

        String log() throws IOException {
            return Files.readString(log);
        }

        @Override
        public void close() throws IOException {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            runtime.close();
        }
    }

    /** {@code java … AWSLambda <handler>}, on the package's class path plus the runtime client, as Lambda runs it. */
    private static List<String> javaCommand(String handler) throws IOException {
        List<String> classpath = new ArrayList<>();
        classpath.add(packageDir.toString());
        try (Stream<Path> jars = Files.list(packageDir.resolve("lib"))) {
            jars.sorted().forEach(jar -> classpath.add(jar.toString()));
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            // What Lambda's java21 runtime itself provides: the runtime client and its serialization.
            if (entry.contains("aws-lambda-java-runtime-interface-client")
                    || entry.contains("aws-lambda-java-serialization")) {
                classpath.add(entry);
            }
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                "-cp", String.join(File.pathSeparator, classpath),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler);
    }

    private static Path unzip(Path zip, Path target) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(file.entries())) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, out);
                    }
                }
            }
        }
        return target;
    }
}
