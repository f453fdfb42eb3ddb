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
