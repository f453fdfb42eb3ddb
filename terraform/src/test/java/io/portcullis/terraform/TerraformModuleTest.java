package io.portcullis.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Terraform module ({@code terraform/*.tf}) and its example, parsed with HashiCorp's HCL parser and checked
 * against the code: FunctionHandlers, FunctionPermissions, Tables, Gateway.OWN_ENDPOINTS, ConfigLoader,
 * AuthorizerFunction's context and Secrets' naming rule. No terraform binary and no AWS account involved; what
 * only a real plan can find is listed in terraform/README.md.
 */
class TerraformModuleTest {
    private static Tf module;
    private static Tf example;

    @BeforeAll
    static void parse() {
        Hcl.assumeParserAvailable();
        module = Tf.parse(Hcl.moduleDir());
        example = Tf.parse(Hcl.moduleDir().resolve("examples/basic"));
    }

    @Test
    void everyHandlerIsFunctionHandlersAndExists() {
        ModuleChecks.handlers(module);
    }

    @Test
    void functionsRunJava21WithSnapStartBehindAliases() {
        ModuleChecks.runtimeAndSnapStart(module);
    }

    @Test
    void tablesAreTablesDefinitions() {
        ModuleChecks.tables(module);
    }

    @Test
    void eachRoleGrantsExactlyFunctionPermissions() {
        ModuleChecks.iam(module);
    }

    @Test
    void authorizerIsRequestPayload2SimpleResponsesUncachedByDefault() {
        ModuleChecks.authorizer(module);
    }

    @Test
    void routesFollowTheDesign() {
        ModuleChecks.routes(module);
    }

    @Test
    void logGroupsHaveRetention() {
        ModuleChecks.logGroups(module);
    }

    @Test
    void everyVariableHasADescriptionAndAType() {
        ModuleChecks.variables(Hcl.moduleDir());
        ModuleChecks.variables(Hcl.moduleDir().resolve("examples/basic"));
    }

    @Test
    void outputsCarryNoSecret() {
        ModuleChecks.outputs(module, "api_url", "table_names", "function_arns");
        ModuleChecks.outputs(example, "api_url");
    }

    @Test
    void secretValuesAreGeneratedAndOnlyInSecretsManager() {
        ModuleChecks.secretValues(module);
    }

    @Test
    void noSecretLiteralInAnyTerraformFile() {
        assertThat(SecretScan.scan(Hcl.moduleDir())).as("secrets written into terraform/").isEmpty();
    }

    @Test
    void theGatewayAcceptsTheGeneratedConfiguration() {
        GatewayConfig config = ConfigCheck.generatedConfig(module, example);
        assertThat(config.store().type()).isEqualTo(GatewayConfig.StoreType.DYNAMODB);
        assertThat(config.store().createTables()).as("Terraform creates the tables").isFalse();
        assertThat(config.store().sharedRateLimits()).as("limits shared by every function instance").isTrue();
        assertThat(config.store().tablePrefix()).isEqualTo("portcullis-example-");
        assertThat(config.store().region()).contains("eu-west-1");
        assertThat(config.users()).isEmpty();
        assertThat(config.routes()).hasSize(example.modules().get("portcullis").path("routes").size());
        assertThat(config.routes()).anySatisfy(route -> assertThat(route.secure()).isFalse());
    }

    /**
     * terraform_data.config_check, run as Terraform would run it: its command through its interpreter, with its
     * environment (the generated configuration, the server jar, a placeholder for each secret). The server's own
     * {@code config check} accepts the example's configuration, and refuses a broken one naming the key, so a bad
     * configuration fails the apply before any function changes.
     */
    @Test
    void theConfigCheckRunsTheServersCheck_onTheGeneratedConfiguration() throws Exception {
        Path jar = Hcl.root().resolve("local-server/target/portcullis-server.jar");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(jar),
                "local-server/target/portcullis-server.jar is built by mvn package before this module's tests");
        var check = module.resource("terraform_data", "config_check");
        assertThat(Tf.text(check.path("count"))).isEqualTo("${var.config_check ? 1 : 0}");
        assertThat(Tf.strings(check.path("triggers_replace"))).as("runs again when the configuration changes")
                .containsExactly("${sha256(local.config_yaml)}");
        var exec = check.path("provisioner").path("local-exec").path(0);
        assertThat(Tf.text(exec.path("environment"))).contains("local.placeholder_secret_env")
                .contains("PORTCULLIS_CONFIG_YAML = local.config_yaml")
                .contains("PORTCULLIS_SERVER_JAR  = local.config_check_jar");
        assertThat(Tf.text(module.local("config_check_jar"))).contains("/../local-server/target/portcullis-server.jar");
        for (String fn : io.portcullis.lambda.FunctionHandlers.ALL.keySet()) {
            assertThat(Tf.strings(module.resource("aws_lambda_function", fn).path("depends_on")))
                    .as("aws_lambda_function.%s waits for the check", fn).contains("${terraform_data.config_check}");
        }
        java.util.regex.Matcher placeholder = java.util.regex.Pattern.compile("=> \"([^\"]+)\" }")
                .matcher(Tf.text(module.local("placeholder_secret_env")));
        assertThat(placeholder.find()).as("local.placeholder_secret_env: " + module.local("placeholder_secret_env"))
                .isTrue();

        ConfigCheck.generatedConfig(module, example);
        String yaml = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(ConfigCheck.lastYaml);
        Map<String, String> env = new java.util.HashMap<>();
        env.put("PORTCULLIS_TOKEN_K1_SECRET", placeholder.group(1));
        env.put("PORTCULLIS_SERVER_JAR", jar.toString());
        env.put("PORTCULLIS_CONFIG_YAML", yaml);
        String[] ok = run(exec, env);
        assertThat(ok[0]).as(ok[1]).isEqualTo("0");
        assertThat(ok[1]).contains("ok: " + example.modules().get("portcullis").path("routes").size() + " route(s)");

        env.put("PORTCULLIS_CONFIG_YAML", yaml.replace("\"read-timeout-ms\":20000", "\"read-timeout-ms\":-1"));
        String[] refused = run(exec, env);
        assertThat(refused[0]).as(refused[1]).isEqualTo("1");
        assertThat(refused[1]).contains("upstream.read-timeout");
    }

    /** The local-exec's command through its interpreter with {@code env} (and a JDK 21+ first on PATH). */
    private static String[] run(com.fasterxml.jackson.databind.JsonNode exec, Map<String, String> env) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(Tf.strings(exec.path("interpreter")));
        command.add(Tf.text(exec.path("command")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
                + System.getenv("PATH"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new String[] {Integer.toString(process.exitValue()), output};
    }

    @Test
    void theExampleUsesOnlyTheModulesVariables() {
        Map<String, com.fasterxml.jackson.databind.JsonNode> modules = example.modules();
        assertThat(modules).containsOnlyKeys("portcullis");
        var use = modules.get("portcullis");
        Path source = example.dir().resolve(Tf.text(use.path("source"))).normalize();
        assertThat(source).as("the example's module source").isEqualTo(Hcl.moduleDir().normalize());
        use.fieldNames().forEachRemaining(argument -> {
            if (!argument.equals("source") && !argument.equals("providers") && !argument.equals("depends_on")) {
                assertThat(module.variables()).as("module argument %s", argument).containsKey(argument);
            }
        });
        module.variables().forEach((name, variable) -> {
            if (!variable.has("default")) {
                assertThat(use.has(name)).as("required variable %s is set by the example", name).isTrue();
            }
        });
        // Its direct routes name secure routes (the module's precondition), and its package path is the build's.
        var prefixes = new java.util.HashMap<String, Boolean>();
        use.path("routes").forEach(r -> prefixes.put(r.path("prefix").asText(), r.path("secure").asBoolean(true)));
        use.path("direct_routes").forEach(p -> assertThat(prefixes).as("direct route %s", p.asText())
                .containsEntry(p.asText(), true));
        String packagePath = Tf.text(use.path("lambda_package_path")).replace("${path.module}", example.dir().toString());
        assertThat(Path.of(packagePath).normalize()).isEqualTo(Hcl.root().resolve("functions/lambda/target/portcullis-lambda.zip"));
        assertThat(Files.isDirectory(Hcl.root().resolve("functions/lambda"))).isTrue();
    }
}
