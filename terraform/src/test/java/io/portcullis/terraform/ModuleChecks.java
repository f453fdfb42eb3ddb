package io.portcullis.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.Gateway;
import io.portcullis.infra.dynamodb.TableNames;
import io.portcullis.infra.dynamodb.Tables;
import io.portcullis.lambda.FunctionHandlers;
import io.portcullis.lambda.FunctionPermissions;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The checks of the Terraform module against the code it deploys. Each throws {@link AssertionError} naming what
 * is wrong; {@code TerraformModuleTest} runs them on the module, {@code ChecksCatchBreakageTest} on broken copies.
 */
final class ModuleChecks {
    /** The module's table prefix as it appears in the parsed HCL: table names are this plus TableNames' suffixes. */
    static final String TABLE_PREFIX_EXPRESSION = "${local.table_prefix}";

    private static final Pattern TABLE_ARN = Pattern.compile("\\$\\{aws_dynamodb_table\\.([a-z0-9_]+)\\.arn}");

    private ModuleChecks() {
    }

    // ---------------------------------------------------------------------------------------------- functions

    /** The three functions are FunctionHandlers.ALL: same names, same handlers, and each handler exists. */
    static void handlers(Tf tf) {
        Map<String, JsonNode> functions = tf.resources("aws_lambda_function");
        assertThat(functions.keySet()).as("aws_lambda_function resources (FunctionHandlers.ALL's names)")
                .containsExactlyInAnyOrderElementsOf(FunctionHandlers.ALL.keySet());
        FunctionHandlers.ALL.forEach((name, handler) -> {
            assertThat(Tf.text(functions.get(name).path("handler"))).as("aws_lambda_function.%s.handler", name)
                    .isEqualTo(handler);
            handlerExists(handler);
        });
    }

    /**
     * {@code handler} ({@code class::method}) names a public class with a public no-argument constructor (the
     * runtime instantiates it) and a public instance method of that name taking the event's bytes, the answer's
     * stream and a {@link Context} (what the runtime calls for a stream handler), or an event and a {@link Context}.
     */
    static void handlerExists(String handler) {
        String[] parts = handler.split("::", -1);
        assertThat(parts).as("handler %s is class::method", handler).hasSize(2);
        Class<?> type;
        try {
            type = Class.forName(parts[0], false, ModuleChecks.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("handler " + handler + ": no class " + parts[0] + " in the Lambda artifact", e);
        }
        assertThat(Modifier.isPublic(type.getModifiers())).as("%s is public", type.getName()).isTrue();
        assertThat(Arrays.stream(type.getConstructors()).anyMatch(c -> c.getParameterCount() == 0))
                .as("%s has a public no-argument constructor", type.getName()).isTrue();
        List<Method> methods = Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(parts[1]) && !Modifier.isStatic(m.getModifiers()) && !m.isBridge())
                .filter(m -> m.getParameterCount() == 2 && m.getParameterTypes()[1] == Context.class
                        || m.getParameterCount() == 3 && m.getParameterTypes()[0] == java.io.InputStream.class
                        && m.getParameterTypes()[1] == java.io.OutputStream.class
                        && m.getParameterTypes()[2] == Context.class)
                .toList();
        assertThat(methods).as("handler %s: a public method %s(InputStream, OutputStream, Context) or "
                + "%s(event, Context)", handler, parts[1], parts[1]).isNotEmpty();
    }

    /** java21 from the one package, sized by the variables, SnapStart on published versions behind aliases. */
    static void runtimeAndSnapStart(Tf tf) {
        Path zip = tf.dir().resolve("../functions/lambda/target/portcullis-lambda.zip").normalize();
        assertThat(Tf.text(tf.local("package_path"))).as("local.package_path")
                .contains("var.lambda_package_path").contains("${path.module}/../functions/lambda/target/portcullis-lambda.zip");
        assertThat(zip).as("the default package path").isEqualTo(Hcl.root().resolve("functions/lambda/target/portcullis-lambda.zip"));
        for (String name : FunctionHandlers.ALL.keySet()) {
            JsonNode fn = tf.resource("aws_lambda_function", name);
            String at = "aws_lambda_function." + name;
            assertThat(Tf.text(fn.path("runtime"))).as(at + ".runtime").isEqualTo("java21");
            assertThat(Tf.strings(fn.path("architectures"))).as(at + ".architectures")
                    .containsExactly("${var.lambda_architecture}");
            assertThat(Tf.isExactly(fn.path("memory_size"), "var.lambda_memory_mb")).as(at + ".memory_size").isTrue();
            assertThat(Tf.isExactly(fn.path("timeout"), "var.lambda_timeout_seconds")).as(at + ".timeout").isTrue();
            assertThat(Tf.isExactly(fn.path("filename"), "local.package_path")).as(at + ".filename").isTrue();
            assertThat(Tf.isExactly(fn.path("source_code_hash"), "filebase64sha256(local.package_path)"))
                    .as(at + ".source_code_hash").isTrue();
            assertThat(Tf.isExactly(fn.path("function_name"), "local.function_names." + name))
                    .as(at + ".function_name").isTrue();
            assertThat(fn.path("publish").asBoolean(false)).as(at + ".publish (SnapStart needs versions)").isTrue();
            assertThat(fn.path("snap_start")).as(at + ".snap_start").hasSize(1);
            assertThat(Tf.text(fn.path("snap_start").path(0).path("apply_on"))).as(at + ".snap_start.apply_on")
                    .isEqualTo("PublishedVersions");

            JsonNode alias = tf.resource("aws_lambda_alias", name);
            assertThat(alias.isMissingNode()).as("aws_lambda_alias.%s", name).isFalse();
            assertThat(Tf.isExactly(alias.path("function_name"), "aws_lambda_function." + name + ".function_name"))
                    .as("aws_lambda_alias.%s.function_name", name).isTrue();
            assertThat(Tf.isExactly(alias.path("function_version"), "aws_lambda_function." + name + ".version"))
                    .as("aws_lambda_alias.%s.function_version (the published version)", name).isTrue();
        }
        // API Gateway invokes aliases, never $LATEST (which SnapStart does not cover).
        assertThat(Tf.isExactly(tf.resource("aws_apigatewayv2_integration", "token").path("integration_uri"),
                "aws_lambda_alias.token.invoke_arn")).as("the token integration invokes the token alias").isTrue();
        assertThat(Tf.isExactly(tf.resource("aws_apigatewayv2_integration", "forwarder").path("integration_uri"),
                "aws_lambda_alias.forwarder.invoke_arn")).as("the forwarder integration invokes the forwarder alias").isTrue();
        assertThat(Tf.isExactly(tf.resource("aws_apigatewayv2_authorizer", "this").path("authorizer_uri"),
                "aws_lambda_alias.authorizer.invoke_arn")).as("the authorizer invokes the authorizer alias").isTrue();
        tf.resources("aws_apigatewayv2_integration").forEach((name, integration) -> {
            if (Tf.text(integration.path("integration_type")).equals("AWS_PROXY")) {
                assertThat(Tf.text(integration.path("integration_uri"))).as("aws_apigatewayv2_integration.%s", name)
                        .startsWith("${aws_lambda_alias.");
                assertThat(Tf.text(integration.path("payload_format_version"))).as("%s payload format", name)
                        .isEqualTo("2.0");
            }
        });
        // Permissions are granted on the aliases, from this API only.
        for (String name : FunctionHandlers.ALL.keySet()) {
            Map<String, JsonNode> permissions = new LinkedHashMap<>();
            tf.resources("aws_lambda_permission").forEach((key, permission) -> {
                if (Tf.isExactly(permission.path("function_name"), "aws_lambda_function." + name + ".function_name")) {
                    permissions.put(key, permission);
                }
            });
            assertThat(permissions).as("aws_lambda_permission for %s", name).isNotEmpty();
            permissions.forEach((key, permission) -> {
                assertThat(Tf.isExactly(permission.path("qualifier"), "aws_lambda_alias." + name + ".name"))
                        .as("aws_lambda_permission.%s.qualifier (the alias API Gateway invokes)", key).isTrue();
                assertThat(Tf.text(permission.path("principal"))).isEqualTo("apigateway.amazonaws.com");
                assertThat(Tf.text(permission.path("source_arn"))).as("aws_lambda_permission.%s.source_arn", key)
                        .startsWith("${aws_apigatewayv2_api.this.execution_arn}/");
            });
        }
    }

    // ------------------------------------------------------------------------------------------------- tables

    /** The tables are Tables.definitions: keys, attribute types, TTL, on-demand, PITR, SSE; nothing more. */
    static void tables(Tf tf) {
        List<Tables.Definition> definitions = Tables.definitions(TableNames.withPrefix(TABLE_PREFIX_EXPRESSION));
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        tf.resources("aws_dynamodb_table").forEach((resource, table) -> byName.put(Tf.text(table.path("name")), table));
        assertThat(byName.keySet()).as("table names (Tables.definitions with the prefix ${local.table_prefix})")
                .containsExactlyInAnyOrderElementsOf(definitions.stream().map(Tables.Definition::name).toList());
        for (Tables.Definition definition : definitions) {
            JsonNode table = byName.get(definition.name());
            String at = "table " + definition.name();
            assertThat(Tf.text(table.path("hash_key"))).as(at + " hash_key").isEqualTo(definition.partitionKey());
            assertThat(Optional.ofNullable(table.get("range_key")).map(Tf::text)).as(at + " range_key")
                    .isEqualTo(definition.sortKey());
            Map<String, String> attributes = new TreeMap<>();
            table.path("attribute").forEach(a -> attributes.put(Tf.text(a.path("name")), Tf.text(a.path("type"))));
            Map<String, String> expected = new TreeMap<>();
            expected.put(definition.partitionKey(), "S");
            definition.sortKey().ifPresent(sort -> expected.put(sort, "S"));
            assertThat(attributes).as(at + " attributes (key attributes only, all strings)").isEqualTo(expected);
            Optional<String> ttl = table.path("ttl").size() == 0 ? Optional.empty()
                    : Optional.of(Tf.text(table.path("ttl").path(0).path("attribute_name")));
            assertThat(ttl).as(at + " ttl.attribute_name").isEqualTo(definition.ttlAttribute());
            if (ttl.isPresent()) {
                assertThat(table.path("ttl").path(0).path("enabled").asBoolean(false)).as(at + " ttl.enabled").isTrue();
            }
            assertThat(Tf.text(table.path("billing_mode"))).as(at + " billing_mode").isEqualTo("PAY_PER_REQUEST");
            assertThat(table.path("point_in_time_recovery").path(0).path("enabled").asBoolean(false))
                    .as(at + " point_in_time_recovery.enabled").isTrue();
            assertThat(table.path("server_side_encryption").path(0).path("enabled").asBoolean(false))
                    .as(at + " server_side_encryption.enabled").isTrue();
            assertThat(table.has("global_secondary_index") || table.has("local_secondary_index"))
                    .as(at + ": the adapters use no index").isFalse();
        }
    }

    /** TableNames role ({@code users}, {@code rateLimits}, ...) to the resource name of its table. */
    static Map<String, String> tableResourcesByRole(Tf tf) {
        TableNames names = TableNames.withPrefix(TABLE_PREFIX_EXPRESSION);
        Map<String, String> resourceByTableName = new LinkedHashMap<>();
        tf.resources("aws_dynamodb_table").forEach((resource, table) ->
                resourceByTableName.put(Tf.text(table.path("name")), resource));
        Map<String, String> byRole = new LinkedHashMap<>();
        for (RecordComponent component : TableNames.class.getRecordComponents()) {
            try {
                String tableName = (String) component.getAccessor().invoke(names);
                String resource = resourceByTableName.get(tableName);
                assertThat(resource).as("the aws_dynamodb_table named %s (role %s)", tableName, component.getName())
                        .isNotNull();
                byRole.put(component.getName(), resource);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return byRole;
    }

    // ---------------------------------------------------------------------------------------------------- IAM

    /**
     * Each function's role grants exactly FunctionPermissions.DYNAMODB on exactly those tables, GetSecretValue on
     * the token secrets only, and writing to its own log group only. No managed policy, no other policy.
     */
    static void iam(Tf tf) {
        Map<String, String> tableRoleByResource = new LinkedHashMap<>();
        tableResourcesByRole(tf).forEach((role, resource) -> tableRoleByResource.put(resource, role));

        assertThat(tf.resources("aws_iam_role").keySet()).as("IAM roles: one per function")
                .containsExactlyInAnyOrderElementsOf(FunctionHandlers.ALL.keySet());
        for (String forbidden : List.of("aws_iam_role_policy_attachment", "aws_iam_policy_attachment",
                "aws_iam_policy", "aws_iam_role_policies_exclusive", "aws_iam_role_policy_attachments_exclusive")) {
            assertThat(tf.resources(forbidden)).as("%s: no policy beyond the inline one per role", forbidden).isEmpty();
        }

        for (String fn : FunctionHandlers.ALL.keySet()) {
            JsonNode role = tf.resource("aws_iam_role", fn);
            assertThat(role.has("managed_policy_arns") || role.has("inline_policy"))
                    .as("aws_iam_role.%s has no managed or inline policies of its own", fn).isFalse();
            assertThat(Tf.isExactly(tf.resource("aws_lambda_function", fn).path("role"), "aws_iam_role." + fn + ".arn"))
                    .as("aws_lambda_function.%s.role is its own role", fn).isTrue();
            assumeRoleIsLambdaOnly(tf, role, fn);

            List<String> documents = new ArrayList<>();
            tf.resources("aws_iam_role_policy").forEach((key, policy) -> {
                if (Tf.references(policy.path("role")).contains("aws_iam_role." + fn)) {
                    Matcher document = Pattern.compile("\\$\\{data\\.aws_iam_policy_document\\.([a-z0-9_]+)\\.json}")
                            .matcher(Tf.text(policy.path("policy")));
                    assertThat(document.matches()).as("aws_iam_role_policy.%s.policy is an aws_iam_policy_document", key)
                            .isTrue();
                    documents.add(document.group(1));
                }
            });
            assertThat(documents).as("inline policies of aws_iam_role.%s", fn).hasSize(1);

            Map<String, Set<String>> dynamodb = new TreeMap<>();
            Set<String> secretActions = new TreeSet<>();
            Set<String> logActions = new TreeSet<>();
            JsonNode document = tf.data("aws_iam_policy_document", documents.get(0));
            assertThat(document.path("statement").size()).as("statements of the %s policy", fn).isPositive();
            List<JsonNode> statements = new ArrayList<>();
            document.path("statement").forEach(statements::add);
            List<String> sources = Tf.strings(document.path("source_policy_documents"));
            assertThat(sources).as("source_policy_documents of the %s policy: the shared network one only", fn)
                    .isIn(List.of(), List.of("${data.aws_iam_policy_document.network.json}"));
            if (!sources.isEmpty()) {
                networkStatement(tf);
            }
            for (JsonNode statement : statements) {
                String sid = Tf.text(statement.path("sid"));
                String at = "policy of " + fn + ", statement " + sid;
                assertThat(Tf.text(statement.path("effect"))).as(at + " effect").isIn("", "Allow");
                for (String field : List.of("not_actions", "not_resources", "principals", "not_principals")) {
                    assertThat(statement.has(field)).as(at + " has no " + field).isFalse();
                }
                List<String> actions = Tf.strings(statement.path("actions"));
                List<String> resources = Tf.strings(statement.path("resources"));
                assertThat(actions).as(at + " actions").isNotEmpty().noneMatch(a -> a.contains("*"));
                assertThat(resources).as(at + " resources").isNotEmpty().noneMatch(r -> r.equals("*"));
                Set<String> services = actions.stream().map(a -> a.substring(0, Math.max(0, a.indexOf(':'))))
                        .collect(Collectors.toSet());
                assertThat(services).as(at + ": one service per statement").hasSize(1);
                Set<String> names = actions.stream().map(a -> a.substring(a.indexOf(':') + 1))
                        .collect(Collectors.toCollection(TreeSet::new));
                switch (services.iterator().next()) {
                    case "dynamodb" -> {
                        for (String resource : resources) {
                            Matcher arn = TABLE_ARN.matcher(resource);
                            assertThat(arn.matches()).as(at + ": DynamoDB resources are table ARNs, not " + resource)
                                    .isTrue();
                            String tableRole = tableRoleByResource.get(arn.group(1));
                            assertThat(tableRole).as(at + ": aws_dynamodb_table." + arn.group(1) + " is a Portcullis table")
                                    .isNotNull();
                            dynamodb.computeIfAbsent(tableRole, k -> new TreeSet<>()).addAll(names);
                        }
                    }
                    case "secretsmanager" -> {
                        secretActions.addAll(names);
                        assertThat(resources).as(at + ": GetSecretValue only on the secrets the configuration names")
                                .containsExactly("${local.readable_secret_arns}");
                    }
                    case "logs" -> {
                        logActions.addAll(names);
                        for (String resource : resources) {
                            assertThat(resource).as(at + ": only its own log group")
                                    .isIn("${aws_cloudwatch_log_group." + fn + ".arn}:*",
                                            "${aws_cloudwatch_log_group." + fn + ".arn}:log-stream:*");
                        }
                    }
                    default -> fail(at + ": " + actions + " is not something " + fn + " calls (FunctionPermissions)");
                }
            }
            Map<String, Set<String>> expected = new TreeMap<>();
            FunctionPermissions.DYNAMODB.get(fn).forEach((table, actions) -> expected.put(table, new TreeSet<>(actions)));
            assertThat(dynamodb).as("DynamoDB actions of %s by table (FunctionPermissions.DYNAMODB)", fn)
                    .isEqualTo(expected);
            assertThat(secretActions).as("Secrets Manager actions of %s (FunctionPermissions.SECRETS_MANAGER)", fn)
                    .isEqualTo(new TreeSet<>(FunctionPermissions.SECRETS_MANAGER));
            readableSecrets(tf);
            assertThat(logActions).as("CloudWatch Logs actions of %s", fn)
                    .isEqualTo(Set.of("CreateLogStream", "PutLogEvents"));
            assertThat(Tf.isExactly(tf.resource("aws_lambda_function", fn).path("logging_config").path(0).path("log_group"),
                    "aws_cloudwatch_log_group." + fn + ".name")).as("%s logs to the group its role may write", fn).isTrue();
        }
    }

    /**
     * The secrets a role may read: the token keys' ARNs, var.secrets' ARNs and the configuration's secret, when it
     * is one; never a name or a wildcard.
     */
    static void readableSecrets(Tf tf) {
        assertThat(Tf.text(tf.local("readable_secret_arns"))).as("local.readable_secret_arns").isEqualTo(
                "${concat(values(aws_secretsmanager_secret.token)[*].arn, values(var.secrets), "
                        + "aws_secretsmanager_secret.config[*].arn)}");
        JsonNode secrets = tf.variables().get("secrets");
        assertThat(Tf.collectStrings(secrets.path("validation"))).as("var.secrets holds Secrets Manager ARNs")
                .anyMatch(condition -> condition.contains(":secretsmanager:"));
    }

    /**
     * The network-interface permissions Lambda needs in a VPC, and only then: one statement, present only when
     * var.vpc is set, of exactly the EC2 actions of AWSLambdaVPCAccessExecutionRole (which EC2 does not scope to
     * resources, hence the one "*" allowed).
     */
    static void networkStatement(Tf tf) {
        JsonNode network = tf.data("aws_iam_policy_document", "network");
        assertThat(network.has("statement")).as("the network policy has no unconditional statement").isFalse();
        JsonNode dynamic = network.path("dynamic").path("statement").path(0);
        assertThat(Tf.text(dynamic.path("for_each"))).as("network statement only with var.vpc")
                .isEqualTo("${var.vpc == null ? [] : [1]}");
        JsonNode content = dynamic.path("content").path(0);
        assertThat(Tf.strings(content.path("actions"))).as("network interface actions").containsExactlyInAnyOrder(
                "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses");
        assertThat(Tf.strings(content.path("resources"))).containsExactly("*");
        for (String fn : FunctionHandlers.ALL.keySet()) {
            JsonNode vpc = tf.resource("aws_lambda_function", fn).path("dynamic").path("vpc_config").path(0);
            assertThat(Tf.text(vpc.path("for_each"))).as("aws_lambda_function.%s.vpc_config from var.vpc", fn)
                    .isEqualTo("${var.vpc == null ? [] : [var.vpc]}");
        }
    }

    private static void assumeRoleIsLambdaOnly(Tf tf, JsonNode role, String fn) {
        Matcher document = Pattern.compile("\\$\\{data\\.aws_iam_policy_document\\.([a-z0-9_]+)\\.json}")
                .matcher(Tf.text(role.path("assume_role_policy")));
        assertThat(document.matches()).as("aws_iam_role.%s.assume_role_policy is a policy document", fn).isTrue();
        JsonNode statements = tf.data("aws_iam_policy_document", document.group(1)).path("statement");
        assertThat(statements).as("assume-role statements of %s", fn).hasSize(1);
        JsonNode statement = statements.path(0);
        assertThat(Tf.strings(statement.path("actions"))).containsExactly("sts:AssumeRole");
        assertThat(statement.path("principals")).hasSize(1);
        assertThat(Tf.text(statement.path("principals").path(0).path("type"))).isEqualTo("Service");
        assertThat(Tf.strings(statement.path("principals").path(0).path("identifiers")))
                .as("only Lambda may assume the role of %s", fn).containsExactly("lambda.amazonaws.com");
    }

    // ------------------------------------------------------------------------------------------ API Gateway

    /** REQUEST, payload 2.0, simple responses, the Authorization header, TTL from a variable defaulting to 0. */
    static void authorizer(Tf tf) {
        Map<String, JsonNode> authorizers = tf.resources("aws_apigatewayv2_authorizer");
        assertThat(authorizers.keySet()).as("one authorizer").containsExactly("this");
        JsonNode authorizer = authorizers.get("this");
        assertThat(Tf.text(authorizer.path("authorizer_type"))).as("authorizer_type").isEqualTo("REQUEST");
        assertThat(Tf.text(authorizer.path("authorizer_payload_format_version"))).as("payload format").isEqualTo("2.0");
        assertThat(authorizer.path("enable_simple_responses").isBoolean() && authorizer.path("enable_simple_responses").asBoolean())
                .as("enable_simple_responses (AuthorizerFunction::handleRequest answers {isAuthorized, context})").isTrue();
        assertThat(Tf.text(authorizer.path("identity_sources"))).as("identity_sources: none without a cache (a "
                + "cookie-only request must reach the authorizer), the variable's with one")
                .isEqualTo("${var.authorizer_cache_ttl_seconds > 0 ? var.authorizer_cache_identity_sources : null}");
        assertThat(Tf.isExactly(authorizer.path("authorizer_result_ttl_in_seconds"), "var.authorizer_cache_ttl_seconds"))
                .as("authorizer_result_ttl_in_seconds is the variable (the provider's own default is 300)").isTrue();
        JsonNode ttl = tf.variables().get("authorizer_cache_ttl_seconds");
        assertThat(ttl).as("variable authorizer_cache_ttl_seconds").isNotNull();
        assertThat(ttl.path("default").isNumber() && ttl.path("default").asInt() == 0).as("its default is 0").isTrue();
        assertThat(Tf.text(ttl.path("type"))).isEqualTo("${number}");
        assertThat(Tf.collectStrings(ttl.path("validation"))).as("its validation bounds it to 0..3600")
                .anyMatch(condition -> condition.contains(">= 0") && condition.contains("<= 3600"));
        // The authorizer learns the TTL too: with a cache its answers must cover the whole API.
        assertThat(Tf.isExactly(tf.resource("aws_lambda_function", "authorizer").path("environment").path(0).path("variables"),
                "local.authorizer_environment")).as("the authorizer's environment").isTrue();
        assertThat(Tf.text(tf.local("authorizer_environment")))
                .contains("AUTHORIZER_CACHE_TTL_SECONDS = tostring(var.authorizer_cache_ttl_seconds)")
                .contains("AUTHORIZER_DIRECT_ROUTES = \"true\"");
        // Its permission is scoped to this API's authorizers path.
        assertThat(Tf.text(tf.resource("aws_lambda_permission", "authorizer").path("source_arn")))
                .isEqualTo("${aws_apigatewayv2_api.this.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.this.id}");
    }

    /**
     * The token function's routes: {@code ANY} on each of Gateway.OWN_ENDPOINTS, the admin API's user paths
     * (Gateway.ADMIN_ROUTE_KEYS), the browser pages' paths (Gateway.PAGE_ROUTE_KEYS) and the documents the gateway
     * publishes (Gateway.DOCUMENTS: the identity assertions' JWKS, the OpenAPI description), so it answers every
     * method there as the server does.
     */
    static List<String> expectedTokenRoutes() {
        java.util.Set<String> paths = new java.util.LinkedHashSet<>(Gateway.OWN_ENDPOINTS);
        Gateway.ADMIN_ROUTE_KEYS.forEach(key -> paths.add(key.substring(key.indexOf(' ') + 1)));
        Gateway.PAGE_ROUTE_KEYS.forEach(key -> paths.add(key.substring(key.indexOf(' ') + 1)));
        paths.addAll(Gateway.DOCUMENTS);
        return paths.stream().map(path -> "ANY " + path).toList();
    }

    /**
     * The routes of DESIGN.md §7, as issue 14 left them: the token function on its paths, the forwarder on the
     * catch-all without an authorizer (it checks tokens itself), direct routes as HTTP_PROXY behind the authorizer
     * with identity headers and the Cookie header mapped from its context, OPTIONS on them and routes nested under
     * them back to the forwarder; a $default stage with auto-deploy, access logs and throttling; CORS from var.cors.
     */
    static void routes(Tf tf) {
        JsonNode api = tf.resource("aws_apigatewayv2_api", "this");
        assertThat(Tf.text(api.path("protocol_type"))).as("an HTTP API").isEqualTo("HTTP");

        List<String> tokenRoutes = Tf.strings(tf.local("token_route_keys"));
        assertThat(tokenRoutes).as("local.token_route_keys (ANY on Gateway.OWN_ENDPOINTS, the admin user paths and "
                + "the pages)").containsAll(expectedTokenRoutes());
        JsonNode token = tf.resource("aws_apigatewayv2_route", "token");
        assertThat(Tf.text(token.path("for_each"))).isEqualTo("${toset(local.token_route_keys)}");
        assertThat(Tf.text(token.path("route_key"))).isEqualTo("${each.key}");
        assertThat(Tf.text(token.path("authorization_type"))).as("own endpoints check tokens themselves").isEqualTo("NONE");
        assertThat(Tf.text(token.path("target"))).isEqualTo("integrations/${aws_apigatewayv2_integration.token.id}");

        assertThat(Tf.strings(tf.local("forwarder_route_keys"))).as("local.forwarder_route_keys")
                .containsExactlyInAnyOrder("ANY /{proxy+}", "ANY /");
        JsonNode forwarder = tf.resource("aws_apigatewayv2_route", "forwarder");
        assertThat(Tf.text(forwarder.path("for_each")))
                .isEqualTo("${setunion(toset(local.forwarder_route_keys), local.forwarder_extra_route_keys)}");
        assertThat(Tf.text(forwarder.path("authorization_type")))
                .as("the forwarder's routes have no authorizer: the forwarder answers 401/403/429 itself")
                .isEqualTo("NONE");
        assertThat(forwarder.has("authorizer_id")).isFalse();
        assertThat(Tf.text(forwarder.path("target"))).isEqualTo("integrations/${aws_apigatewayv2_integration.forwarder.id}");
        assertThat(Tf.text(tf.local("forwarder_extra_route_keys"))).as("preflights and nested routes to the forwarder")
                .contains("\"OPTIONS ${p}\"").contains("\"ANY ${p}/{proxy+}\"");

        JsonNode directRoute = tf.resource("aws_apigatewayv2_route", "direct");
        assertThat(Tf.text(directRoute.path("authorization_type"))).isEqualTo("CUSTOM");
        assertThat(Tf.text(directRoute.path("authorizer_id"))).isEqualTo("${aws_apigatewayv2_authorizer.this.id}");
        JsonNode direct = tf.resource("aws_apigatewayv2_integration", "direct");
        assertThat(Tf.text(direct.path("integration_type"))).isEqualTo("HTTP_PROXY");
        String mappings = Tf.text(direct.path("request_parameters"));
        // The context the authorizer writes (AuthorizerFunction.context, plus cookie) and the header each key goes to.
        for (String key : authorizerContextKeys()) {
            if (key.equals("expires_at")) {
                continue; // the token's expiry, for a forwarder behind the authorizer (assertions never outlive it)
            }
            assertThat(mappings).as("HTTP_PROXY request_parameters: identity header for %s from the authorizer", key)
                    .contains("\"overwrite:header.${var.identity_headers." + key + "}\"")
                    .contains("= \"$context.authorizer." + key + "\"");
        }
        assertThat(mappings).as("the Cookie header without the token cookies")
                .contains("\"overwrite:header.cookie\"").contains("= \"$context.authorizer.cookie\"");
        assertThat(Tf.text(direct.path("connection_type"))).as("a VPC link for private targets")
                .contains("VPC_LINK").contains("local.private_targets");
        JsonNode identityHeaders = tf.local("base_config").path("identity-headers");
        assertThat(Tf.text(identityHeaders.path("user"))).isEqualTo("${var.identity_headers.user}");
        assertThat(Tf.text(identityHeaders.path("roles"))).isEqualTo("${var.identity_headers.roles}");
        assertThat(Tf.text(identityHeaders.path("token-id"))).isEqualTo("${var.identity_headers.token_id}");

        JsonNode stage = tf.resource("aws_apigatewayv2_stage", "default");
        assertThat(Tf.text(stage.path("name"))).as("stage name: the functions route on rawPath").isEqualTo("$default");
        assertThat(stage.path("auto_deploy").asBoolean(false)).as("auto_deploy").isTrue();
        assertThat(Tf.text(stage.path("access_log_settings").path(0).path("destination_arn")))
                .isEqualTo("${aws_cloudwatch_log_group.api.arn}");
        assertThat(Tf.text(stage.path("access_log_settings").path(0).path("format"))).as("access log format")
                .contains("$context.requestId").contains("$context.status").doesNotContain("$request.header");
        JsonNode throttling = stage.path("default_route_settings").path(0);
        assertThat(Tf.isExactly(throttling.path("throttling_rate_limit"), "var.throttling.rate_limit"))
                .as("stage throttling_rate_limit from var.throttling").isTrue();
        assertThat(Tf.isExactly(throttling.path("throttling_burst_limit"), "var.throttling.burst_limit"))
                .as("stage throttling_burst_limit from var.throttling").isTrue();

        JsonNode cors = api.path("dynamic").path("cors_configuration").path(0);
        assertThat(Tf.text(cors.path("for_each"))).as("the HTTP API's CORS from var.cors")
                .isEqualTo("${var.cors == null ? [] : [var.cors]}");
        assertThat(Tf.text(cors.path("content").path(0).path("allow_origins")))
                .isEqualTo("${cors_configuration.value.origins}");
        assertThat(cors.path("content").path(0).path("allow_credentials").asBoolean(false))
                .as("allow_credentials: the gateway's answers are credentialed").isTrue();
        assertThat(Tf.text(tf.local("optional_sections").path("cors"))).as("the gateway's cors section, same origins")
                .contains("origins = var.cors.origins");
    }

    /**
     * What each issue-14 variable must refuse (a part of its validation's condition) or feed: a function timeout API
     * Gateway can wait for, backend timeouts below it (a precondition), hashes only for users, references only for
     * secrets in the config, ARNs for var.secrets, origins for CORS, the configuration check before any function.
     */
    static void deployChecks(Tf tf) {
        Map<String, String> validations = new TreeMap<>(Map.ofEntries(
                Map.entry("lambda_timeout_seconds", "var.lambda_timeout_seconds <= 29"),
                Map.entry("upstream", "var.upstream.read_timeout_ms >= 1"),
                Map.entry("users", "argon2(id|i|d)"),
                Map.entry("jwt", "k.secret == null || can(regex("),
                Map.entry("sessions", "_SECRET"),
                Map.entry("secrets", "can(regex(\"^arn:aws[a-z-]*:secretsmanager:"),
                Map.entry("cors", "var.cors.origins"),
                Map.entry("trusted_proxies", "cidrhost(c, 0)"),
                Map.entry("throttling", "var.throttling.rate_limit >= 0"),
                Map.entry("vpc", "var.vpc.security_group_ids"),
                Map.entry("direct_route_vpc_link", "elasticloadbalancing|servicediscovery"),
                Map.entry("config_storage", "\"secretsmanager\""),
                Map.entry("extra_config", "can(keys(var.extra_config))"),
                Map.entry("totp", "SHA256"),
                Map.entry("authorizer_cache_identity_sources", "request")));
        Map<String, JsonNode> variables = tf.variables();
        validations.forEach((name, part) -> {
            assertThat(variables).as("variable %s", name).containsKey(name);
            assertThat(String.join(" ", Tf.collectStrings(variables.get(name).path("validation"))))
                    .as("the validation of variable %s", name).contains(part);
        });
        for (String name : List.of("browser", "config_check", "config_check_jar")) {
            assertThat(variables).as("variable %s", name).containsKey(name);
        }
        JsonNode upstream = tf.local("base_config").path("upstream");
        assertThat(Tf.text(upstream.path("read-timeout-ms"))).as("base_config upstream.read-timeout-ms")
                .isEqualTo("${var.upstream.read_timeout_ms}");
        assertThat(Tf.text(upstream.path("connect-timeout-ms"))).as("base_config upstream.connect-timeout-ms")
                .isEqualTo("${var.upstream.connect_timeout_ms}");
        assertThat(Tf.collectStrings(tf.resource("aws_apigatewayv2_api", "this").path("lifecycle")))
                .as("a precondition keeps the backend's timeouts below the function's")
                .contains("${var.upstream.connect_timeout_ms + var.upstream.read_timeout_ms < var.lambda_timeout_seconds * 1000}");
        for (String fn : FunctionHandlers.ALL.keySet()) {
            assertThat(Tf.strings(tf.resource("aws_lambda_function", fn).path("depends_on")))
                    .as("aws_lambda_function.%s waits for the configuration check", fn)
                    .contains("${terraform_data.config_check}");
        }
    }

    /** Every log group has the retention variable; each function logs to /aws/lambda/<its name>. */
    static void logGroups(Tf tf) {
        Map<String, JsonNode> groups = tf.resources("aws_cloudwatch_log_group");
        assertThat(groups.keySet()).containsAll(FunctionHandlers.ALL.keySet()).contains("api");
        groups.forEach((name, group) -> assertThat(Tf.isExactly(group.path("retention_in_days"), "var.log_retention_days"))
                .as("aws_cloudwatch_log_group.%s.retention_in_days", name).isTrue());
        for (String fn : FunctionHandlers.ALL.keySet()) {
            assertThat(Tf.text(groups.get(fn).path("name"))).isEqualTo("/aws/lambda/${local.function_names." + fn + "}");
        }
    }

    // ------------------------------------------------------------------------------------ variables, outputs

    /** Every variable of every module has a description and a type; variables and outputs live in their files. */
    static void variables(Path dir) {
        JsonNode byFile = Hcl.parseByFile(dir);
        int count = 0;
        for (var entry : byFile.properties()) {
            for (var v : entry.getValue().path("variable").properties()) {
                JsonNode block = v.getValue().path(0);
                count++;
                assertThat(entry.getKey()).as("variable %s is declared in variables.tf", v.getKey()).isEqualTo("variables.tf");
                assertThat(Tf.text(block.path("description")).isBlank()).as("variable %s has a description", v.getKey()).isFalse();
                assertThat(Tf.text(block.path("type"))).as("variable %s has a type", v.getKey()).startsWith("${").endsWith("}");
            }
            for (var o : entry.getValue().path("output").properties()) {
                assertThat(entry.getKey()).as("output %s is declared in outputs.tf", o.getKey()).isEqualTo("outputs.tf");
                assertThat(Tf.text(o.getValue().path(0).path("description")).isBlank())
                        .as("output %s has a description", o.getKey()).isFalse();
            }
        }
        assertThat(count).as("variables in %s", dir).isPositive();
    }

    /** The outputs the README promises ({@code required}), and none that carries (or could carry) a secret value. */
    static void outputs(Tf tf, String... required) {
        Map<String, JsonNode> outputs = tf.outputs();
        assertThat(outputs.keySet()).as("outputs").contains(required);
        outputs.forEach((name, output) -> {
            assertThat(output.path("sensitive").asBoolean(false)).as("output %s: nothing sensitive is output", name).isFalse();
            assertThat(Tf.references(output.path("value"))).as("output %s references", name)
                    .noneMatch(ref -> ref.startsWith("random_password") || ref.startsWith("aws_secretsmanager_secret_version"));
            assertThat(String.join(" ", Tf.collectStrings(output.path("value")))).as("output %s", name)
                    .doesNotContain("secret_string").doesNotContain(".result");
        });
    }

    /** The secret values are generated, never literals, and reach only Secrets Manager. */
    static void secretValues(Tf tf) {
        Map<String, JsonNode> versions = tf.resources("aws_secretsmanager_secret_version");
        assertThat(versions).as("secret versions").isNotEmpty();
        versions.forEach((name, version) -> {
            assertThat(version.has("secret_binary")).isFalse();
            if (name.equals("config")) {
                // The configuration itself, when it does not fit in the environment: its secrets are references.
                assertThat(Tf.text(version.path("secret_string"))).isEqualTo("${local.config_yaml}");
                return;
            }
            assertThat(Tf.text(version.path("secret_string"))).as("aws_secretsmanager_secret_version.%s.secret_string", name)
                    .matches("\\$\\{random_password\\.[a-z0-9_]+(\\[[^\\]]+])?\\.result}");
        });
        tf.resources("random_password").forEach((name, password) ->
                assertThat(password.path("length").asInt(0)).as("random_password.%s.length", name).isGreaterThanOrEqualTo(48));
        // The value is referenced only by the secret versions.
        tf.root().path("resource").properties().forEach(type -> type.getValue().properties().forEach(resource -> {
            if (!type.getKey().equals("aws_secretsmanager_secret_version")) {
                assertThat(Tf.references(resource.getValue())).as("%s.%s", type.getKey(), resource.getKey())
                        .noneMatch(ref -> ref.startsWith("random_password."));
            }
        }));
        assertThat(Tf.references(tf.locals())).as("locals").noneMatch(ref -> ref.startsWith("random_password."));
    }

    /** The keys of the context the authorizer returns (what HTTP_PROXY routes map to identity headers). */
    private static java.util.Set<String> authorizerContextKeys() {
        return new java.util.TreeSet<>(io.portcullis.lambda.AuthorizerFunction.context(new io.portcullis.core.token.Identity(
                "someone", java.util.List.of("role"), new io.portcullis.core.token.TokenId("0123456789abcdef0123456789abcdef"),
                java.time.Instant.EPOCH)).keySet());
    }
}
