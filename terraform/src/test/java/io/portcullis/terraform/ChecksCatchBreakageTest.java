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
    private static final Check VARIABLE_CHECKS = (tf, copy) -> ModuleChecks.deployChecks(tf);

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
                        "data \"aws_iam_policy_document\" \"authorizer\" {\n  source_policy_documents = [data.aws_iam_policy_document.network.json]\n\n  statement {\n    sid       = \"Revocations\"\n    actions   = [\"dynamodb:Query\"]\n    resources = [aws_dynamodb_table.revocations.arn]",
                        "data \"aws_iam_policy_document\" \"authorizer\" {\n  source_policy_documents = [data.aws_iam_policy_document.network.json]\n\n  statement {\n    sid       = \"Revocations\"\n    actions   = [\"dynamodb:Query\"]\n    resources = [aws_dynamodb_table.rate_limits.arn]",
                        IAM, "DynamoDB actions of authorizer"),
                new Mutation("wildcard action", "iam.tf", "[\"dynamodb:UpdateItem\"]", "[\"dynamodb:*\"]", IAM, "actions"),
                new Mutation("another service", "iam.tf", "data \"aws_iam_policy_document\" \"forwarder\" {",
                        "data \"aws_iam_policy_document\" \"forwarder\" {\n  statement {\n    actions   = [\"s3:GetObject\"]\n    resources = [\"arn:aws:s3:::bucket/key\"]\n  }",
                        IAM, "not something forwarder calls"),
                new Mutation("logs anywhere", "iam.tf", "resources = [\"${aws_cloudwatch_log_group.token.arn}:*\"]",
                        "resources = [\"*\"]", IAM, "resources"),
                new Mutation("another function's logs", "iam.tf", "resources = [\"${aws_cloudwatch_log_group.forwarder.arn}:*\"]",
                        "resources = [\"${aws_cloudwatch_log_group.token.arn}:*\"]", IAM, "only its own log group"),
                new Mutation("any secret", "iam.tf", "resources = local.readable_secret_arns",
                        "resources = [\"arn:aws:secretsmanager:*:*:secret:*\"]", IAM, "only on the secrets the configuration names"),
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
                new Mutation("identity source without a cache", "api.tf",
                        "var.authorizer_cache_ttl_seconds > 0 ? var.authorizer_cache_identity_sources : null",
                        "[\"$request.header.Authorization\"]", AUTHORIZER, "identity_sources"),
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
                new Mutation("an own endpoint unrouted", "main.tf", "    \"ANY /logout\",\n", "", ROUTES, "local.token_route_keys"),
                new Mutation("TOTP enrolment unrouted", "main.tf", "    \"ANY /auth/totp/enrol\",\n", "", ROUTES,
                        "local.token_route_keys"),
                new Mutation("own endpoint for POST only", "main.tf", "\"ANY /auth\",", "\"POST /auth\",", ROUTES,
                        "local.token_route_keys"),
                new Mutation("user management unrouted", "main.tf", "    \"ANY /admin/users/{name}\",\n", "", ROUTES,
                        "local.token_route_keys"),
                new Mutation("sign-in page's files unrouted", "main.tf", "    \"ANY /auth/assets/{file}\",\n", "", ROUTES,
                        "local.token_route_keys"),
                new Mutation("identity header from the wrong key", "api.tf", "\"$context.authorizer.user\"",
                        "\"$context.authorizer.principalId\"", ROUTES, "request_parameters"),
                new Mutation("catch-all behind the authorizer", "api.tf",
                        "authorization_type = \"NONE\"\n  target             = \"integrations/${aws_apigatewayv2_integration.forwarder.id}\"",
                        "authorization_type = \"CUSTOM\"\n  authorizer_id      = aws_apigatewayv2_authorizer.this.id\n  target             = \"integrations/${aws_apigatewayv2_integration.forwarder.id}\"",
                        ROUTES, "no authorizer"),
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
                        "{ PORTCULLIS_FUNCTION_TIMEOUT_SECONDS = tostring(var.lambda_timeout_seconds) },",
                        "{ PORTCULLIS_FUNCTION_TIMEOUT_SECONDS = tostring(var.lambda_timeout_seconds), K = random_password.token[\"k1\"].result },",
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
                new Mutation("users' hashes under the wrong key", "main.tf", "      password      = u.password_hash",
                        "      hash          = u.password_hash", CONFIG, "local.optional_sections.users"),
                new Mutation("nulls written into routes", "main.tf", "    \"preserve-prefix\" = r.preserve_prefix\n    } : k => v if v != null }]",
                        "    \"preserve-prefix\" = r.preserve_prefix\n    } : k => v }]", CONFIG, "absent optional keys"),
                // Issue 14: the whole configuration, its checks, the network.
                new Mutation("extra_config merged only one level", "main.tf",
                        "      for key, inner in value : key => merge(local.generated_config[section][key], inner)\n      if can(keys(inner)) && can(keys(local.generated_config[section][key]))\n",
                        "", CONFIG, "extra_config merged in"),
                new Mutation("cors section misspelt", "main.tf", "cors              = var.cors == null", "corz              = var.cors == null",
                        CONFIG, "section corz"),
                new Mutation("HTTP API CORS without credentials", "api.tf", "allow_credentials = true",
                        "allow_credentials = false", ROUTES, "allow_credentials"),
                new Mutation("stage throttling hard-coded", "api.tf", "throttling_rate_limit  = var.throttling.rate_limit",
                        "throttling_rate_limit  = 10000", ROUTES, "throttling_rate_limit"),
                new Mutation("cookie passed to direct backends", "api.tf",
                        "    \"overwrite:header.cookie\"                           = \"$context.authorizer.cookie\"\n", "", ROUTES,
                        "the Cookie header"),
                new Mutation("authorizer lets Authorization through", "main.tf", "AUTHORIZER_DIRECT_ROUTES = \"true\"",
                        "AUTHORIZER_DIRECT_ROUTES = \"false\"", AUTHORIZER, "AUTHORIZER_DIRECT_ROUTES"),
                new Mutation("extra secrets unreadable", "main.tf",
                        "concat(values(aws_secretsmanager_secret.token)[*].arn, values(var.secrets), aws_secretsmanager_secret.config[*].arn)",
                        "concat(values(aws_secretsmanager_secret.token)[*].arn, aws_secretsmanager_secret.config[*].arn)", IAM,
                        "local.readable_secret_arns"),
                new Mutation("extra secrets not in the environment", "main.tf", "    local.extra_secret_env,\n", "", CONFIG,
                        "local.extra_secret_env"),
                new Mutation("network interfaces always", "iam.tf", "for_each = var.vpc == null ? [] : [1]", "for_each = [1]",
                        IAM, "network statement only with var.vpc"),
                new Mutation("network interfaces: more EC2", "iam.tf", "\"ec2:DescribeSubnets\",",
                        "\"ec2:DescribeSubnets\",\n        \"ec2:RunInstances\",", IAM, "network interface actions"),
                new Mutation("functions outside the VPC", "functions.tf", "for_each = var.vpc == null ? [] : [var.vpc]",
                        "for_each = []", IAM, "vpc_config from var.vpc"),
                new Mutation("function timeout not told", "main.tf",
                        "{ PORTCULLIS_FUNCTION_TIMEOUT_SECONDS = tostring(var.lambda_timeout_seconds) },", "", CONFIG,
                        "PORTCULLIS_FUNCTION_TIMEOUT_SECONDS"),
                new Mutation("upstream timeout unconfigured", "main.tf", "      \"read-timeout-ms\"    = var.upstream.read_timeout_ms\n",
                        "", VARIABLE_CHECKS, "upstream.read-timeout-ms"),
                new Mutation("function timeout up to 900", "variables.tf", "var.lambda_timeout_seconds <= 29",
                        "var.lambda_timeout_seconds <= 900", VARIABLE_CHECKS, "lambda_timeout_seconds"),
                new Mutation("upstream vs function timeout unchecked", "api.tf",
                        "      condition     = var.upstream.connect_timeout_ms + var.upstream.read_timeout_ms < var.lambda_timeout_seconds * 1000\n",
                        "      condition     = true\n", VARIABLE_CHECKS, "precondition"),
                new Mutation("plaintext passwords allowed", "variables.tf", "can(regex(\"^\\\\$argon2(id|i|d)\\\\$\", u.password_hash))",
                        "true", VARIABLE_CHECKS, "users"),
                new Mutation("literal JWT secrets allowed", "variables.tf", "k.secret == null || can(regex(",
                        "true || can(regex(", VARIABLE_CHECKS, "jwt"),
                new Mutation("config check not waited for", "functions.tf",
                        "aws_secretsmanager_secret_version.config, terraform_data.config_check]",
                        "aws_secretsmanager_secret_version.config]", VARIABLE_CHECKS, "waits for the configuration check"),
                new Mutation("any string as a secret ARN", "variables.tf",
                        "can(regex(\"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$\", arn))",
                        "can(regex(\".*\", arn))", VARIABLE_CHECKS, "secrets"));
    }

    @Test
    void anUnmodifiedCopyPassesEveryCheck(@TempDir Path copy) throws Exception {
        Tf tf = copyOf(copy, null);
        for (Check check : new Check[] {HANDLERS, RUNTIME, TABLES, IAM, AUTHORIZER, ROUTES, LOGS, VARIABLES, OUTPUTS,
                SECRET_VALUES, SECRET_SCAN, CONFIG, VARIABLE_CHECKS}) {
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
