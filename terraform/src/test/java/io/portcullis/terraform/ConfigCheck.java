package io.portcullis.terraform;

import io.portcullis.lambda.Secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration the module hands the functions ({@code local.config}, yamlencoded into
 * {@code PORTCULLIS_CONFIG_YAML}) is one the gateway accepts. Terraform cannot run here, so the check evaluates
 * the parts it knows: every leaf must be one of the expressions listed below (anything else fails, naming it),
 * each is replaced by a sample value, the two for-expressions (token keys, routes) are expanded over the
 * example's inputs, and the result goes through {@link ConfigLoader#fromYaml} with the environment
 * {@code Secrets.resolve} makes from the module's secret ARN variables. ConfigLoader refuses unknown keys, so a
 * misspelt key in the HCL fails here.
 */
final class ConfigCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Leaf expression expected at each place, and the sample value standing for it. */
    private record Leaf(String expression, Object sample) {
    }

    private static final Map<String, Leaf> LEAVES = Map.ofEntries(
            Map.entry("/tokens/ttl-seconds", new Leaf("${var.token_ttl_seconds}", 3600)),
            Map.entry("/rate-limits/proxy/requests-per-second", new Leaf("${var.rate_limits.proxy.requests_per_second}", 10)),
            Map.entry("/rate-limits/proxy/burst", new Leaf("${var.rate_limits.proxy.burst}", 100)),
            Map.entry("/rate-limits/proxy/block-delay-ms", new Leaf("${var.rate_limits.proxy.block_delay_ms}", 0)),
            Map.entry("/rate-limits/auth/requests-per-second", new Leaf("${var.rate_limits.auth.requests_per_second}", 1)),
            Map.entry("/rate-limits/auth/burst", new Leaf("${var.rate_limits.auth.burst}", 10)),
            Map.entry("/rate-limits/auth/block-delay-ms", new Leaf("${var.rate_limits.auth.block_delay_ms}", 500)),
            Map.entry("/store/table-prefix", new Leaf("${local.table_prefix}", "portcullis-example-")),
            Map.entry("/store/region", new Leaf("${data.aws_region.current.name}", "eu-west-1")),
            Map.entry("/identity-headers/user", new Leaf("${var.identity_headers.user}", "x-user")),
            Map.entry("/identity-headers/roles", new Leaf("${var.identity_headers.roles}", "x-user-roles")),
            Map.entry("/identity-headers/token-id", new Leaf("${var.identity_headers.token_id}", "x-token-id")));

    private static final Pattern ATTRIBUTE = Pattern.compile("(?m)^\\s*\"?([A-Za-z][A-Za-z0-9_-]*)\"?\\s*=\\s*(.+?)\\s*$");
    private static final Pattern SECRET_ENV = Pattern.compile(
            "\\$\\{\\{ for k in var\\.token_keys : k\\.id => \"([A-Z0-9_]*)\\$\\{upper\\(replace\\(k\\.id, \"/\\[\\^A-Za-z0-9]/\", \"_\"\\)\\)}([A-Z0-9_]*)\" }}");

    private ConfigCheck() {
    }

    /** The module's config, evaluated over {@code example}'s inputs, loads; returns what the gateway read. */
    static GatewayConfig generatedConfig(Tf module, Tf example) {
        String secret = randomSecret();
        return generatedConfig(module, example, Map.of(), arn -> secret);
    }

    /**
     * As {@link #generatedConfig(Tf, Tf)}, with {@code extraEnvironment} added to the function's environment
     * (e.g. {@code STORE_ENDPOINT}) and {@code fetchSecret} reading each secret ARN, as Secrets Manager would.
     */
    static GatewayConfig generatedConfig(Tf module, Tf example, Map<String, String> extraEnvironment,
            java.util.function.UnaryOperator<String> fetchSecret) {
        JsonNode config = module.local("config");
        assertThat(config.isObject()).as("local.config is an object").isTrue();
        config.fieldNames().forEachRemaining(section -> assertThat(ConfigLoader.SECTIONS)
                .as("local.config section %s is one the gateway reads", section).contains(section));
        assertThat(config.has("users") || config.has("users-file")).as("users live in the users table, not the config")
                .isFalse();
        assertThat(Tf.text(config.path("store").path("type"))).as("store.type").isEqualTo("dynamodb");
        assertThat(config.path("store").has("create-tables") || config.path("store").has("endpoint"))
                .as("Terraform creates the tables; the functions use the regional endpoint").isFalse();
        assertThat(Tf.text(module.local("config_yaml"))).isEqualTo("${yamlencode(local.config)}");

        // How a key's secret reaches the YAML: NAME_ARN in the environment, ${NAME} in the YAML.
        String environment = Tf.text(module.local("function_environment"));
        assertThat(environment).as("local.function_environment")
                .contains("PORTCULLIS_CONFIG_YAML = local.config_yaml")
                .contains("for id, name in local.token_secret_env : \"${name}_ARN\" => aws_secretsmanager_secret.token[id].arn");
        for (String fn : List.of("token", "forwarder")) {
            assertThat(Tf.isExactly(module.resource("aws_lambda_function", fn).path("environment").path(0).path("variables"),
                    "local.function_environment")).as("aws_lambda_function.%s environment", fn).isTrue();
        }
        assertThat(Tf.text(module.local("authorizer_environment"))).startsWith("${merge(local.function_environment,");
        Matcher secretEnv = SECRET_ENV.matcher(Tf.text(module.local("token_secret_env")));
        assertThat(secretEnv.matches()).as("local.token_secret_env names one variable per key id: "
                + Tf.text(module.local("token_secret_env"))).isTrue();

        JsonNode inputs = example.modules().values().iterator().next();
        JsonNode variables = module.root().path("variable");
        JsonNode tokenKeys = inputs.has("token_keys") ? inputs.get("token_keys")
                : variables.path("token_keys").path(0).path("default");
        JsonNode routes = inputs.has("routes") ? inputs.get("routes") : variables.path("routes").path(0).path("default");

        Map<String, String> arnVariables = new LinkedHashMap<>();
        ArrayNode keys = JsonNodeFactory.instance.arrayNode();
        Map<String, String> keyAttributes = attributes(config.path("tokens").path("keys"), "k", "tokens.keys");
        for (JsonNode key : tokenKeys) {
            String id = key.path("id").asText();
            String name = secretEnv.group(1) + id.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Za-z0-9]", "_")
                    + secretEnv.group(2);
            arnVariables.put(name + "_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:portcullis/token-key/" + id);
            ObjectNode entry = keys.addObject();
            keyAttributes.forEach((yamlKey, rhs) -> {
                switch (rhs) {
                    case "k.id" -> entry.put(yamlKey, id);
                    case "k.active" -> entry.put(yamlKey, key.path("active").asBoolean(true));
                    case "format(\"$${%s}\", local.token_secret_env[k.id])" -> entry.put(yamlKey, "${" + name + "}");
                    default -> fail("tokens.keys." + yamlKey + " = " + rhs + ": teach ConfigCheck what it evaluates to");
                }
            });
        }

        ArrayNode routeList = JsonNodeFactory.instance.arrayNode();
        Map<String, String> routeAttributes = attributes(config.path("routes"), "r", "routes");
        assertThat(Tf.text(config.path("routes"))).as("routes leave absent optional keys out").contains("if v != null");
        for (JsonNode route : routes) {
            ObjectNode entry = routeList.addObject();
            routeAttributes.forEach((yamlKey, rhs) -> {
                assertThat(rhs).as("routes.%s", yamlKey).startsWith("r.");
                String attribute = rhs.substring(2);
                JsonNode value = route.get(attribute);
                if (value == null) {
                    value = switch (attribute) {
                        case "secure" -> JsonNodeFactory.instance.booleanNode(true);
                        case "preserve_prefix" -> JsonNodeFactory.instance.booleanNode(false);
                        default -> null;
                    };
                }
                if (value != null) {
                    assertThat(Tf.collectStrings(value)).as("example route %s", attribute).noneMatch(s -> s.contains("${"));
                    entry.set(yamlKey, value);
                }
            });
        }

        JsonNode evaluated = evaluate(config, "", keys, routeList);
        Map<String, String> functionEnvironment = new LinkedHashMap<>(extraEnvironment);
        functionEnvironment.putAll(arnVariables);
        Map<String, String> env = Secrets.resolve(functionEnvironment, fetchSecret);
        try {
            return ConfigLoader.fromYaml(JSON.writeValueAsString(evaluated), env);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (ConfigException | io.helidon.config.ConfigException e) {
            throw new AssertionError("the gateway refuses the configuration Terraform generates: " + e.getMessage(), e);
        }
    }

    /** The {@code key = value} lines of a for-expression building one object per {@code var} element. */
    private static Map<String, String> attributes(JsonNode forExpression, String var, String at) {
        String text = Tf.text(forExpression);
        assertThat(text).as("local.config.%s is a for-expression over var", at).contains("[for " + var + " in var.");
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher matcher = ATTRIBUTE.matcher(text);
        while (matcher.find()) {
            attributes.put(matcher.group(1), matcher.group(2));
        }
        assertThat(attributes).as("attributes of local.config.%s", at).isNotEmpty();
        return attributes;
    }

    private static JsonNode evaluate(JsonNode node, String pointer, ArrayNode keys, ArrayNode routes) {
        if (pointer.equals("/tokens/keys")) {
            return keys;
        }
        if (pointer.equals("/routes")) {
            return routes;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> out.set(e.getKey(), evaluate(e.getValue(), pointer + "/" + e.getKey(), keys, routes)));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                out.add(evaluate(node.get(i), pointer + "/" + i, keys, routes));
            }
            return out;
        }
        String text = Tf.text(node);
        if (!text.contains("${")) {
            return node;
        }
        Leaf leaf = LEAVES.get(pointer);
        if (leaf == null) {
            throw new AssertionError("local.config" + pointer.replace('/', '.') + " = " + text
                    + ": an expression ConfigCheck does not know; teach it (LEAVES)");
        }
        assertThat(text).as("local.config%s", pointer.replace('/', '.')).isEqualTo(leaf.expression());
        return JSON.valueToTree(leaf.sample());
    }

    static String randomSecret() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
