package io.portcullis.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each check fails when the feature it guards is broken: a copy of the module gets one deliberate defect
 * (a wrong handler, an extra IAM action, a cached authorizer, a secret literal, ...), and the check must throw,
 * for the stated reason. The unmodified copy passes every check, so a failure here is the defect's doing.
 */
class ChecksCatchBreakageTest {
    /** A check run on a parsed copy ({@code tf}, whose dir is the real module's for path checks) or its files. */
    @FunctionalInterface
    interface Check {
        void run(Tf tf, Path copy) throws Exception;
    }

    /** Replace {@code from} (which must occur) by {@code to} in {@code file}; {@code from == null} appends. */
    record Mutation(String name, String file, String from, String to, Check check, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A random 40-character base64 string that mixes letters and digits (what a leaked key looks like). */
    private static final String RANDOM = randomKeyLikeString();
    private static Tf example;

    private static final Check HANDLERS = (tf, copy) -> ModuleChecks.handlers(tf);
    private static final Check RUNTIME = (tf, copy) -> ModuleChecks.runtimeAndSnapStart(tf);
    private static final Check TABLES = (tf, copy) -> ModuleChecks.tables(tf);
    private static final Check IAM = (tf, copy) -> ModuleChecks.iam(tf);
    private static final Check AUTHORIZER = (tf, copy) -> ModuleChecks.authorizer(tf);
    private static final Check ROUTES = (tf, copy) -> ModuleChecks.routes(tf);
    private static final Check LOGS = (tf, copy) -> ModuleChecks.logGroups(tf);
    private static final Check VARIABLES = (tf, copy) -> ModuleChecks.variables(copy);
    private static final Check OUTPUTS = (tf, copy) -> ModuleChecks.outputs(tf, "api_url");
    private static final Check SECRET_VALUES = (tf, copy) -> ModuleChecks.secretValues(tf);
    private static final Check SECRET_SCAN = (tf, copy) -> assertThat(SecretScan.scan(copy)).isEmpty();
    private static final Check CONFIG = (tf, copy) -> ConfigCheck.generatedConfig(tf, example);

    @BeforeAll
    static void parseExample() {
        Hcl.assumeParserAvailable();
        example = Tf.parse(Hcl.moduleDir().resolve("examples/basic"));
    }

    static Stream<Mutation> mutations() {
        return Stream.of(
                // Handlers: FunctionHandlers.ALL, and classes and methods that exist.
                new Mutation("handler method renamed", "functions.tf", "TokenFunction::handleRequest",
                        "TokenFunction::handle", HANDLERS, "aws_lambda_function.token.handler"),
                new Mutation("handler class misspelt", "functions.tf", "io.portcullis.lambda.ForwarderFunction",
                        "io.portcullis.lambda.ForwardFunction", HANDLERS, "aws_lambda_function.forwarder.handler"),
                new Mutation("a function missing", "functions.tf", "resource \"aws_lambda_function\" \"authorizer\"",
                        "resource \"aws_lambda_function\" \"auth\"", HANDLERS, "aws_lambda_function resources"),
                // Runtime, SnapStart, aliases.
                new Mutation("runtime java17", "functions.tf", "runtime          = \"java21\"",
                        "runtime          = \"java17\"", RUNTIME, ".runtime"),
                new Mutation("SnapStart off", "functions.tf", "apply_on = \"PublishedVersions\"", "apply_on = \"None\"",
                        RUNTIME, "snap_start.apply_on"),
                new Mutation("no published version", "functions.tf", "publish          = true", "publish          = false",
                        RUNTIME, ".publish"),
                new Mutation("architecture fixed", "functions.tf", "architectures    = [var.lambda_architecture]",
                        "architectures    = [\"x86_64\"]", RUNTIME, ".architectures"),
                new Mutation("forwarder integration on $LATEST", "api.tf",
                        "integration_uri        = aws_lambda_alias.forwarder.invoke_arn",
                        "integration_uri        = aws_lambda_function.forwarder.invoke_arn", RUNTIME,
                        "the forwarder integration invokes the forwarder alias"),
                new Mutation("authorizer on $LATEST", "api.tf", "authorizer_uri                    = aws_lambda_alias.authorizer.invoke_arn",
                        "authorizer_uri                    = aws_lambda_function.authorizer.invoke_arn", RUNTIME,
                        "the authorizer invokes the authorizer alias"),
                new Mutation("permission without alias", "api.tf", "  qualifier     = aws_lambda_alias.forwarder.name\n", "",
                        RUNTIME, ".qualifier"),
                // Tables.
                new Mutation("sort key renamed", "tables.tf", "range_key                   = \"sk\"",
                        "range_key                   = \"sort\"", TABLES, "range_key"),
                new Mutation("table misnamed", "tables.tf", "rate-limits\"", "ratelimits\"", TABLES, "table names"),
                new Mutation("TTL attribute renamed", "tables.tf", "attribute_name = \"expires_at\"",
                        "attribute_name = \"expiry\"", TABLES, "ttl.attribute_name"),
                new Mutation("provisioned billing", "tables.tf", "billing_mode                = \"PAY_PER_REQUEST\"",
                        "billing_mode                = \"PROVISIONED\"", TABLES, "billing_mode"),
                new Mutation("no point-in-time recovery", "tables.tf", "point_in_time_recovery {\n    enabled = true",
                        "point_in_time_recovery {\n    enabled = false", TABLES, "point_in_time_recovery"),
                new Mutation("no encryption", "tables.tf", "server_side_encryption {\n    enabled = true",
                        "server_side_encryption {\n    enabled = false", TABLES, "server_side_encryption"),
                new Mutation("numeric key", "tables.tf", "type = \"S\"", "type = \"N\"", TABLES, "attributes"),
                // IAM.
                new Mutation("an action too many", "iam.tf", "\"dynamodb:Scan\", \"dynamodb:DeleteItem\"]",
                        "\"dynamodb:Scan\", \"dynamodb:DeleteItem\", \"dynamodb:BatchWriteItem\"]", IAM,
                        "DynamoDB actions of token"),
                new Mutation("users written with PutItem", "iam.tf", "[\"dynamodb:GetItem\", \"dynamodb:UpdateItem\",",
                        "[\"dynamodb:GetItem\", \"dynamodb:PutItem\",", IAM, "DynamoDB actions of token"),
                new Mutation("an action missing", "iam.tf", "[\"dynamodb:PutItem\", \"dynamodb:Query\"]",
                        "[\"dynamodb:Query\"]", IAM, "DynamoDB actions of token"),
                new Mutation("the wrong table", "iam.tf",
                        "data \"aws_iam_policy_document\" \"authorizer\" {\n  statement {\n    sid       = \"Revocations\"\n    actions   = [\"dynamodb:Query\"]\n    resources = [aws_dynamodb_table.revocations.arn]",
                        "data \"aws_iam_policy_document\" \"authorizer\" {\n  statement {\n    sid       = \"Revocations\"\n    actions   = [\"dynamodb:Query\"]\n    resources = [aws_dynamodb_table.rate_limits.arn]",
                        IAM, "DynamoDB actions of authorizer"),
                new Mutation("wildcard action", "iam.tf", "[\"dynamodb:UpdateItem\"]", "[\"dynamodb:*\"]", IAM, "actions"),
                new Mutation("another service", "iam.tf", "data \"aws_iam_policy_document\" \"forwarder\" {",
                        "data \"aws_iam_policy_document\" \"forwarder\" {\n  statement {\n    actions   = [\"s3:GetObject\"]\n    resources = [\"arn:aws:s3:::bucket/key\"]\n  }",
                        IAM, "not something forwarder calls"),
                new Mutation("logs anywhere", "iam.tf", "resources = [\"${aws_cloudwatch_log_group.token.arn}:*\"]",
                        "resources = [\"*\"]", IAM, "resources"),
                new Mutation("another function's logs", "iam.tf", "resources = [\"${aws_cloudwatch_log_group.forwarder.arn}:*\"]",
                        "resources = [\"${aws_cloudwatch_log_group.token.arn}:*\"]", IAM, "only its own log group"),
                new Mutation("any secret", "iam.tf", "resources = values(aws_secretsmanager_secret.token)[*].arn",
                        "resources = [\"arn:aws:secretsmanager:*:*:secret:*\"]", IAM, "only on the token key secrets"),
                new Mutation("a managed policy", "iam.tf", null,
                        "\nresource \"aws_iam_role_policy_attachment\" \"basic\" {\n  role       = aws_iam_role.token.name\n  policy_arn = \"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole\"\n}\n",
                        IAM, "no policy beyond the inline one"),
                // Authorizer.
                new Mutation("JWT authorizer", "api.tf", "authorizer_type                   = \"REQUEST\"",
                        "authorizer_type                   = \"JWT\"", AUTHORIZER, "authorizer_type"),
                new Mutation("payload 1.0", "api.tf", "authorizer_payload_format_version = \"2.0\"",
                        "authorizer_payload_format_version = \"1.0\"", AUTHORIZER, "payload format"),
                new Mutation("IAM policy responses", "api.tf", "enable_simple_responses           = true",
                        "enable_simple_responses           = false", AUTHORIZER, "enable_simple_responses"),
                new Mutation("another identity source", "api.tf", "[\"$request.header.Authorization\"]",
                        "[\"$request.header.X-Token\"]", AUTHORIZER, "identity_sources"),
                new Mutation("cache TTL hard-coded", "api.tf", "authorizer_result_ttl_in_seconds = var.authorizer_cache_ttl_seconds",
                        "authorizer_result_ttl_in_seconds = 300", AUTHORIZER, "authorizer_result_ttl_in_seconds"),
                new Mutation("cache on by default", "variables.tf", "  default     = 0\n", "  default     = 300\n",
                        AUTHORIZER, "its default is 0"),
                new Mutation("authorizer unaware of the cache", "main.tf",
                        "AUTHORIZER_CACHE_TTL_SECONDS = tostring(var.authorizer_cache_ttl_seconds)",
                        "AUTHORIZER_CACHE_TTL_SECONDS = \"0\"", AUTHORIZER, "AUTHORIZER_CACHE_TTL_SECONDS"),
                new Mutation("authorizer permission too broad", "api.tf",
                        "/authorizers/${aws_apigatewayv2_authorizer.this.id}\"", "/*/*\"", AUTHORIZER, "/authorizers/"),
                // Routes and stage.
                new Mutation("an own endpoint unrouted", "main.tf", "\"POST /logout\", ", "", ROUTES, "Gateway.OWN_ENDPOINTS"),
                new Mutation("TOTP enrolment unrouted", "main.tf", "\"POST /auth/totp/enrol\", ", "", ROUTES,
                        "Gateway.OWN_ENDPOINTS"),
                new Mutation("browser logout unrouted", "main.tf", ", \"GET /logout\"", "", ROUTES, "GET /logout"),
                new Mutation("user removal unrouted", "main.tf", ", \"DELETE /admin/users/{name}\"", "", ROUTES,
                        "Gateway.ADMIN_ROUTE_KEYS"),
                new Mutation("sign-in page's files unrouted", "main.tf", ", \"GET /auth/assets/{file}\"", "", ROUTES,
                        "Gateway.PAGE_ROUTE_KEYS"),
                new Mutation("identity header from the wrong key", "api.tf", "\"$context.authorizer.user\"",
                        "\"$context.authorizer.principalId\"", ROUTES, "request_parameters"),
                new Mutation("catch-all without authorizer", "api.tf",
                        "authorization_type = \"CUSTOM\"\n  authorizer_id      = aws_apigatewayv2_authorizer.this.id\n  target             = \"integrations/${aws_apigatewayv2_integration.forwarder.id}\"",
                        "authorization_type = \"NONE\"\n  target             = \"integrations/${aws_apigatewayv2_integration.forwarder.id}\"",
                        ROUTES, "CUSTOM"),
                new Mutation("named stage", "api.tf", "name        = \"$default\"", "name        = \"prod\"", ROUTES, "stage name"),
                // Log groups.
                new Mutation("retention hard-coded", "functions.tf", "retention_in_days = var.log_retention_days",
                        "retention_in_days = 14", LOGS, "retention_in_days"),
                // Variables.
                new Mutation("variable without description", "variables.tf",
                        "  description = \"Instruction set of the three functions: x86_64 or arm64 (the package is pure Java plus bundled natives for both).\"\n",
                        "", VARIABLES, "variable lambda_architecture has a description"),
                new Mutation("variable without type", "variables.tf", "variable \"tags\" {\n  description = \"Tags added to every resource that takes tags.\"\n  type        = map(string)\n",
                        "variable \"tags\" {\n  description = \"Tags added to every resource that takes tags.\"\n", VARIABLES,
                        "variable tags has a type"),
                new Mutation("variable outside variables.tf", "main.tf", null,
                        "\nvariable \"extra\" {\n  description = \"x\"\n  type        = string\n}\n", VARIABLES,
                        "declared in variables.tf"),
                // Secrets.
                new Mutation("a password in a tfvars file", "terraform.tfvars", null,
                        "db_password = \"correct-horse-battery\"\n", SECRET_SCAN, "literal value"),
                new Mutation("an AWS key id in a comment", "main.tf", null, "\n# " + "AKIA" + "Q".repeat(16) + "\n",
                        SECRET_SCAN, "AWS access key id"),
                new Mutation("a high-entropy default", "variables.tf", "default     = \"portcullis\"",
                        "default     = \"" + RANDOM + "\"", SECRET_SCAN, "high-entropy"),
                new Mutation("secret_string literal (scan)", "secrets.tf", "secret_string = random_password.token[each.key].result",
                        "secret_string = \"" + RANDOM + "\"", SECRET_SCAN, "secret_string is given a literal value"),
                new Mutation("secret_string literal (model)", "secrets.tf", "secret_string = random_password.token[each.key].result",
                        "secret_string = \"" + RANDOM + "\"", SECRET_VALUES, "secret_string"),
                new Mutation("secret in the environment", "main.tf",
                        "{ PORTCULLIS_CONFIG_YAML = local.config_yaml },",
                        "{ PORTCULLIS_CONFIG_YAML = local.config_yaml, K = random_password.token[\"k1\"].result },",
                        SECRET_VALUES, "locals"),
                new Mutation("secret as an output", "outputs.tf", null,
                        "\noutput \"leak\" {\n  description = \"x\"\n  value       = random_password.token[\"k1\"].result\n}\n",
                        OUTPUTS, "output leak"),
                // The generated configuration.
                new Mutation("a key the gateway does not know", "main.tf", "\"preserve-prefix\" = r.preserve_prefix",
                        "\"preserve_prefix\" = r.preserve_prefix", CONFIG, "the gateway refuses"),
                new Mutation("secret variable misnamed", "main.tf", "_SECRET\" }", "_KEY\" }", CONFIG, "the gateway refuses"),
                new Mutation("a section the gateway does not read", "main.tf", "\"identity-headers\" = {",
                        "\"identity-header\" = {", CONFIG, "section identity-header"),
                new Mutation("another store", "main.tf", "type           = \"dynamodb\"", "type           = \"embedded\"",
                        CONFIG, "store.type"),
                new Mutation("users in the config", "main.tf", "  config = {\n", "  config = {\n    users = []\n", CONFIG,
                        "users live in the users table"),
                new Mutation("nulls written into routes", "main.tf", " : k => v if v != null }", " : k => v }", CONFIG,
                        "absent optional keys"));
    }

    @Test
    void anUnmodifiedCopyPassesEveryCheck(@TempDir Path copy) throws Exception {
        Tf tf = copyOf(copy, null);
        for (Check check : new Check[] {HANDLERS, RUNTIME, TABLES, IAM, AUTHORIZER, ROUTES, LOGS, VARIABLES, OUTPUTS,
                SECRET_VALUES, SECRET_SCAN, CONFIG}) {
            check.run(tf, copy);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void theCheckFails(Mutation mutation, @TempDir Path copy) throws Exception {
        Tf tf = copyOf(copy, mutation);
        assertThatThrownBy(() -> mutation.check().run(tf, copy))
                .as("the check must fail when: %s", mutation.name())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(mutation.reason());
    }

    @Test
    void handlersMustNameExistingClassesAndMethods() {
        ModuleChecks.handlerExists("io.portcullis.lambda.TokenFunction::handleRequest");
        assertThatThrownBy(() -> ModuleChecks.handlerExists("io.portcullis.lambda.TokenFunction::nope"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("a public method nope");
        assertThatThrownBy(() -> ModuleChecks.handlerExists("io.portcullis.lambda.NoSuchFunction::handleRequest"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("no class");
        assertThatThrownBy(() -> ModuleChecks.handlerExists("io.portcullis.lambda.LambdaGateway::parts"))
                .isInstanceOf(AssertionError.class);
    }

    private static String randomKeyLikeString() {
        SecureRandom random = new SecureRandom();
        while (true) {
            byte[] bytes = new byte[30];
            random.nextBytes(bytes);
            String candidate = Base64.getEncoder().encodeToString(bytes);
            if (SecretScan.looksRandom(candidate)) {
                return candidate;
            }
        }
    }

    /** The module's .tf files copied into {@code copy}, with {@code mutation} applied, parsed. */
    private static Tf copyOf(Path copy, Mutation mutation) throws IOException {
        try (Stream<Path> files = Files.list(Hcl.moduleDir())) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".tf")).toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        if (mutation != null) {
            Path file = copy.resolve(mutation.file());
            if (mutation.from() == null) {
                Files.writeString(file, mutation.to(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } else {
                String text = Files.readString(file);
                assertThat(text).as("the mutation's target text in %s", mutation.file()).contains(mutation.from());
                Files.writeString(file, text.replace(mutation.from(), mutation.to()));
            }
        }
        // Path checks resolve against the real module directory; the content is the copy's.
        return new Tf(Hcl.moduleDir(), Hcl.parse(copy));
    }
}
