package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.core.Fixtures;
import io.portcullis.infra.aws.SigV4;
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
    static final List<String> secretRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
    static final List<String> timings = new ArrayList<>();
    /** Cold starts per function for {@link #coldStarts_repeated_minAndMedian}: 1 in the test run, 5 in bench/run. */
    static final int COLD_STARTS = Integer.getInteger("portcullis.coldStarts", 1);
    static final java.util.Map<String, List<long[]>> coldStarts = new java.util.LinkedHashMap<>();
    static Path packageDir;
    static String configYaml;

    @BeforeAll
    static void start() throws Exception {
        packageDir = unzip(Path.of("target", "portcullis-lambda.zip"), dir.resolve("package"));
        dynamo = new LocalDynamo.HttpServer(dir.resolve("dynamo"));
        // Generous: table creation on a loaded machine takes seconds.
        TableNames tables = LocalDynamo.freshTables(dynamo.client(Duration.ofSeconds(60)));
        String prefix = tables.users().substring(0, tables.users().length() - "users".length());
        secretsManager = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        secretsManager.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] request = exchange.getRequestBody().readAllBytes();
            secretRequests.add(target + " " + authorization.split(" ")[0]
                    + (signatureHolds(exchange, request, authorization) ? " signed" : " NOT SIGNED RIGHT"));
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
        // JSON, as Terraform writes it (jsonencode; JSON is YAML too).
        configYaml = """
                {"tokens": {"keys": [{"id": "k1", "secret": "${PORTCULLIS_TOKEN_SECRET}"}]},
                 "users": [{"username": "alice", "password": "%s", "roles": ["admin"]}],
                 "store": {"type": "dynamodb", "endpoint": "%s", "region": "us-east-1", "table-prefix": "%s"},
                 "routes": [{"prefix": "/api", "target": "http://127.0.0.1:%d"}],
                 "browser": {"login-redirect": "/api/home"},
                 "upstream": {"connect-timeout": "2s", "read-timeout": "20s"}}
                """.formatted(Hashes.of("wonderland"), dynamo.endpoint(), prefix, backend.getAddress().getPort());
    }

    /**
     * Whether {@code authorization} is the signature of the request as received (signed headers, body, time) with
     * the functions' test credentials: what Secrets Manager checks. SigV4Test holds the signer to the SDK's.
     */
    private static boolean signatureHolds(com.sun.net.httpserver.HttpExchange exchange, byte[] body,
            String authorization) {
        java.util.regex.Matcher signed = java.util.regex.Pattern.compile("SignedHeaders=([^,]+)").matcher(authorization);
        String date = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        if (!signed.find() || date == null) {
            return false;
        }
        Map<String, String> headers = new java.util.HashMap<>();
        for (String name : signed.group(1).split(";")) {
            if (!name.equals("host") && !name.equals("x-amz-date") && !name.equals("x-amz-security-token")) {
                headers.put(name, String.valueOf(exchange.getRequestHeaders().getFirst(name)));
            }
        }
        java.time.Instant at = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC).parse(date, java.time.Instant::from);
        Map<String, String> expected = SigV4.sign(new SigV4.Credentials("test", "test", null), "us-east-1",
                "secretsmanager", exchange.getRequestHeaders().getFirst("Host"), headers, body, at);
        return authorization.equals(expected.get("authorization"));
    }

    private static List<String> secretRequestsSince(int index) {
        return secretRequests.subList(index, secretRequests.size());
    }

    /** Alice's login, as API Gateway hands it to the token function. */
    private static String aliceLogin() throws Exception {
        return Events.write(APIGatewayV2HTTPEvent.class, Events.httpApi("POST", "/auth",
                Map.of("content-type", "application/json"),
                "{\"username\":\"alice\",\"password\":\"wonderland\"}".getBytes(StandardCharsets.UTF_8)));
    }

    /** A token for alice, from a token function started for it. */
    private static String aliceToken() throws Exception {
        try (Function function = Function.start("token", FunctionHandlers.TOKEN)) {
            return JSON.readTree(function.call(aliceLogin()).get("body").asText()).get("token").asText();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        coldStarts.forEach((name, runs) -> {
            long[] wall = runs.stream().mapToLong(run -> run[0]).sorted().toArray();
            long[] cpu = runs.stream().mapToLong(run -> run[1]).sorted().toArray();
            timings.add(String.format("%-10s cold start, %d runs: min %5d ms, median %5d ms (JVM CPU time min %d ms, "
                    + "median %d ms)", name, wall.length, wall[0], wall[(wall.length - 1) / 2], cpu[0],
                    cpu[(cpu.length - 1) / 2]));
        });
        timings.add("load average when the measurements ended: " + Files.readString(Path.of("/proc/loadavg")).trim());
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
            JsonNode login = function.call(aliceLogin());
            assertThat(login.get("statusCode").asInt()).as(login.toString()).isEqualTo(200);
            token = JSON.readTree(login.get("body").asText()).get("token").asText();
            function.warm(Events.write(APIGatewayV2HTTPEvent.class, Events.httpApi("POST", "/auth",
                    Map.of("content-type", "application/json"),
                    "{\"username\":\"alice\",\"password\":\"nope\"}".getBytes(StandardCharsets.UTF_8))));
            assertThat(function.log()).contains("\"cold_start\":true").doesNotContain(token);
        }
        assertThat(secretRequests)
                .allMatch(call -> call.equals("secretsmanager.GetSecretValue AWS4-HMAC-SHA256 signed"));

        String sessionCookie;
        try (Function function = Function.start("token", FunctionHandlers.TOKEN)) {
            JsonNode browser = function.call(Events.write(APIGatewayV2HTTPEvent.class, Events.httpApi("POST", "/auth",
                    Map.of("content-type", "application/x-www-form-urlencoded"),
                    "username=alice&password=wonderland".getBytes(StandardCharsets.UTF_8))));
            assertThat(browser.get("statusCode").asInt()).as(browser.toString()).isEqualTo(303);
            sessionCookie = java.util.stream.StreamSupport.stream(browser.get("cookies").spliterator(), false)
                    .map(JsonNode::asText).filter(c -> c.startsWith("__Host-portcullis="))
                    .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        }

        JsonNode authorizerContext;
        try (Function function = Function.start("authorizer", FunctionHandlers.AUTHORIZER,
                Map.of("AUTHORIZER_DIRECT_ROUTES", "true"))) {
            // A browser on a direct route: the session cookie alone, beside a cookie of the application's.
            JsonNode allowed = function.call(Events.write(APIGatewayV2CustomAuthorizerEvent.class,
                    Events.authorizerV2WithCookies("GET", "/api/x", List.of(sessionCookie, "theme=dark"))));
            assertThat(allowed.get("isAuthorized").asBoolean()).as(allowed.toString()).isTrue();
            assertThat(allowed.get("context").get("user").asText()).isEqualTo("alice");
            assertThat(allowed.get("context").get("cookie").asText()).as("the backend's Cookie header, without the "
                    + "session cookie").isEqualTo("theme=dark");
            authorizerContext = allowed.get("context");
            JsonNode bearer = function.call(Events.write(APIGatewayV2CustomAuthorizerEvent.class,
                    Events.authorizerV2("/api/x", "Bearer " + token)));
            assertThat(bearer.get("isAuthorized").asBoolean()).as("a direct route would pass Authorization on")
                    .isFalse();
            assertThat(function.log()).contains("authorization_on_direct_route").doesNotContain(token);
            function.warm(Events.write(APIGatewayV2CustomAuthorizerEvent.class,
                    Events.authorizerV2WithCookies("GET", "/api/x", List.of(sessionCookie))));
        }

        try (Function function = Function.start("authorizer", FunctionHandlers.AUTHORIZER_REST)) {
            JsonNode policy = function.call(Events.write(APIGatewayCustomAuthorizerEvent.class,
                    Events.restRequest("/api/x", "Bearer " + token)));
            assertThat(policy.get("principalId").asText()).as(policy.toString()).isEqualTo("alice");
            assertThat(policy.get("policyDocument").get("Statement").get(0).get("Effect").asText()).isEqualTo("Allow");
            JsonNode byCookie = function.call(Events.write(APIGatewayCustomAuthorizerEvent.class,
                    Events.restRequest("/api/x", Map.of("Cookie", sessionCookie))));
            assertThat(byCookie.get("principalId").asText()).as("REST keeps the Cookie header").isEqualTo("alice");
        }

        try (Function function = Function.start("forwarder", FunctionHandlers.FORWARDER)) {
            // Behind an authorizer: its context, no token of its own.
            Map<String, String> context = new java.util.HashMap<>();
            authorizerContext.properties().forEach(e -> context.put(e.getKey(), e.getValue().asText()));
            JsonNode behind = function.call(Events.write(APIGatewayV2HTTPEvent.class, Events.withAuthorizerContext(
                    Events.httpApi("GET", "/api/x", Map.of(), new byte[0]), context)));
            assertThat(behind.get("statusCode").asInt()).as(behind.toString()).isEqualTo(200);
            assertThat(behind.get("body").asText()).isEqualTo("hello alice");
            JsonNode serverOnly = function.call(Events.write(APIGatewayV2HTTPEvent.class, Events.httpApi("GET",
                    "/admin/tokens", Map.of("authorization", "Bearer " + token), new byte[0])));
            assertThat(serverOnly.get("statusCode").asInt()).as(serverOnly.toString()).isEqualTo(404);
            assertThat(JSON.readTree(serverOnly.get("body").asText()).get("error").asText()).isEqualTo("not_found");
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

    /**
     * A configuration the function cannot run with fails its init (with SnapStart, the version publish): the runtime
     * is told at {@code init/error}, naming the key, before any request. Here the backend's timeouts (connect 5 s,
     * read 30 s by default) do not fit in the function's 29 s.
     */
    @Test
    void aConfigurationError_failsTheInit_namingTheKey() throws Exception {
        String slowBackends = configYaml.replace(",\n \"upstream\": {\"connect-timeout\": \"2s\", \"read-timeout\": \"20s\"}}",
                "}");
        assertThat(slowBackends).doesNotContain("upstream");
        int secretsBefore = secretRequests.size();
        try (Function function = Function.start("forwarder", FunctionHandlers.FORWARDER,
                Map.of("PORTCULLIS_CONFIG_YAML", slowBackends, "AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"))) {
            String error = function.runtime.initError(60);
            assertThat(error).as("init error; the function's output:\n" + function.log())
                    .contains("upstream.read-timeout").contains("29 s");
            assertThat(secretRequestsSince(secretsBefore)).as("no secret is read during a SnapStart init").isEmpty();
        }
    }

    /**
     * The cold path stays lean: the authorizer, from process start to its first answer, loads no YAML parser (the
     * configuration is JSON, as Terraform writes it), no Jackson data-binding mapper, nothing of Helidon, and no
     * service client of the SDK (neither Secrets Manager's nor DynamoDB's, nor their request pipeline): the calls
     * are the gateway's own. Each was a tenth to a half of a cold start.
     */
    @Test
    void theAuthorizersColdPath_loadsNoneOfTheHeavyLibraries() throws Exception {
        Path classes = dir.resolve("authorizer-classes.txt");
        String token = aliceToken();
        try (Function function = Function.start("authorizer", FunctionHandlers.AUTHORIZER, Map.of(),
                List.of("-Xlog:class+load=info:file=" + classes))) {
            JsonNode answer = function.call(Events.write(APIGatewayV2CustomAuthorizerEvent.class,
                    Events.authorizerV2("/api/x", "Bearer " + token)));
            assertThat(answer.get("isAuthorized").asBoolean()).isTrue();
        }
        String loaded = Files.readString(classes);
        assertThat(loaded).contains("io.portcullis.lambda.AuthorizerFunction ")
                .doesNotContain("org.yaml.snakeyaml.")
                .doesNotContain("com.fasterxml.jackson.databind.ObjectMapper ")
                .doesNotContain("io.helidon.")
                .doesNotContain("software.amazon.awssdk.services.secretsmanager.")
                .doesNotContain("software.amazon.awssdk.services.dynamodb.DefaultDynamoDbClient ")
                .doesNotContain("software.amazon.awssdk.core.internal.http.pipeline.");
    }

    /**
     * Each function started N times ({@code -Dportcullis.coldStarts=N}), one request
     * each: on a shared machine a single cold start says little, so the minimum and median are reported, with the
     * JVM's CPU time (less sensitive to other load than wall time).
     */
    @Test
    void coldStarts_repeated_minAndMedian() throws Exception {
        String token = aliceToken();
        for (int i = 0; i < COLD_STARTS; i++) {
            try (Function function = Function.start("token", FunctionHandlers.TOKEN)) {
                function.call(aliceLogin());
            }
            try (Function function = Function.start("authorizer", FunctionHandlers.AUTHORIZER)) {
                function.call(Events.write(APIGatewayV2CustomAuthorizerEvent.class,
                        Events.authorizerV2("/api/x", "Bearer " + token)));
            }
            try (Function function = Function.start("forwarder", FunctionHandlers.FORWARDER)) {
                function.call(Events.write(APIGatewayV2HTTPEvent.class, Events.httpApi("GET",
                        "/api/x", Map.of("authorization", "Bearer " + token), new byte[0])));
            }
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
            return start(name, handler, Map.of());
        }

        /** As Terraform deploys it, with {@code extra} added to (or replacing in) the environment. */
        static Function start(String name, String handler, Map<String, String> extra) throws IOException {
            return start(name, handler, extra, List.of());
        }

        /** As above, the JVM started with {@code jvmOptions} too. */
        static Function start(String name, String handler, Map<String, String> extra, List<String> jvmOptions)
                throws IOException {
            RuntimeApiStub runtime = new RuntimeApiStub();
            Path log = dir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(javaCommand(handler, jvmOptions))
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
            env.put("PORTCULLIS_FUNCTION_TIMEOUT_SECONDS", "29");
            env.putAll(extra);
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
                long cpu = process.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
                coldStarts.computeIfAbsent(name, k -> new ArrayList<>())
                        .add(new long[] {(result.receivedNanos() - startedNanos) / 1_000_000, cpu});
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
    private static List<String> javaCommand(String handler, List<String> jvmOptions) throws IOException {
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
        // The options Lambda's Java runtime starts the JVM with that bear on a cold start: C1 only, and the serial
        // collector (the JVM would pick G1 on this machine's cores and memory, with its threads and set-up).
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC"));
        // Extra options for a profile, e.g. -Dportcullis.lambdaJvmOptions=-Xlog:class+load:file=/tmp/classes.txt
        String extra = System.getProperty("portcullis.lambdaJvmOptions", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler));
        return command;
    }

    /** The deployment package unpacked as Lambda does (entries outside {@code target} refused). */
    static Path unzip(Path zip, Path target) throws IOException {
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
