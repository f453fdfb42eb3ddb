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
 * The configuration the module hands the functions ({@code local.config}, jsonencoded into
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
            Map.entry("/identity-headers/token-id", new Leaf("${var.identity_headers.token_id}", "x-token-id")),
            Map.entry("/upstream/connect-timeout-ms", new Leaf("${var.upstream.connect_timeout_ms}", 3000)),
            Map.entry("/upstream/read-timeout-ms", new Leaf("${var.upstream.read_timeout_ms}", 20000)));

    /** local.optional_sections: each section's expression, as written (checked exactly, then applied in Java). */
    static final Map<String, String> OPTIONAL_SECTIONS = Map.of(
            "users", "${length(var.users) == 0 ? null : [for u in var.users : { for k, v in {\n      username      = u.username\n      password      = u.password_hash\n      roles         = u.roles\n      allow         = u.allow\n      \"totp-secret\" = u.totp_secret\n    } : k => v if v != null }]}",
            "trusted-proxies", "${length(var.trusted_proxies) == 0 ? null : var.trusted_proxies}",
            "cors", "${var.cors == null ? null : { origins = var.cors.origins, \"max-age-seconds\" = var.cors.max_age_seconds }}",
            "sessions", "${var.sessions == null ? null : { for k, v in var.sessions : replace(k, \"_\", \"-\") => v if v != null }}",
            "browser", "${var.browser == null ? null : { for k, v in var.browser : replace(k, \"_\", \"-\") => v if v != null }}",
            "totp", "${var.totp == null ? null : { for k, v in var.totp : replace(k, \"_\", \"-\") => v if v != null }}");

    /** local.config: var.extra_config merged into the generated configuration, three levels deep. */
    static final String MERGE = "${merge(local.generated_config, var.extra_config, {\n    for section, value in var.extra_config : section => merge(local.generated_config[section], value, {\n      for key, inner in value : key => merge(local.generated_config[section][key], inner)\n      if can(keys(inner)) && can(keys(local.generated_config[section][key]))\n    }) if can(keys(value)) && can(keys(local.generated_config[section]))\n  })}";

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
        JsonNode config = module.local("base_config");
        assertThat(config.isObject()).as("local.base_config is an object").isTrue();
        config.fieldNames().forEachRemaining(section -> assertThat(ConfigLoader.SECTIONS)
                .as("local.base_config section %s is one the gateway reads", section).contains(section));
        assertThat(Tf.text(config.path("store").path("type"))).as("store.type").isEqualTo("dynamodb");
        assertThat(config.path("store").has("create-tables") || config.path("store").has("endpoint"))
                .as("Terraform creates the tables; the functions use the regional endpoint").isFalse();
        assertThat(Tf.text(module.local("generated_config"))).isEqualTo(
                "${merge(local.base_config, { for k, v in local.optional_sections : k => v if v != null })}");
        assertThat(Tf.text(module.local("config"))).as("local.config: extra_config merged in").isEqualTo(MERGE);
        assertThat(Tf.text(module.local("config_yaml"))).isEqualTo("${jsonencode(local.config)}");
        // How a key's secret reaches the YAML: NAME_ARN in the environment, ${NAME} in the YAML.
        String environment = Tf.text(module.local("function_environment"));
        assertThat(environment).as("local.function_environment")
                .contains("PORTCULLIS_CONFIG_YAML = local.config_in_secret ? null : local.config_yaml")
                .contains("PORTCULLIS_CONFIG_ARN  = local.config_in_secret ? aws_secretsmanager_secret.config[0].arn : null")
                .contains("PORTCULLIS_FUNCTION_TIMEOUT_SECONDS = tostring(var.lambda_timeout_seconds)")
                .contains("for id, name in local.token_secret_env : \"${name}_ARN\" => aws_secretsmanager_secret.token[id].arn")
                .contains("local.extra_secret_env");
        assertThat(Tf.text(module.local("extra_secret_env")))
                .isEqualTo("${{ for name, arn in var.secrets : \"${name}_SECRET_ARN\" => arn }}");
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

        ObjectNode evaluated = (ObjectNode) evaluate(config, "", keys, routeList);
        JsonNode optional = module.local("optional_sections");
        optional.fieldNames().forEachRemaining(section -> assertThat(ConfigLoader.SECTIONS)
                .as("local.optional_sections section %s is one the gateway reads", section).contains(section));
        OPTIONAL_SECTIONS.forEach((section, expression) -> assertThat(Tf.text(optional.path(section)))
                .as("local.optional_sections.%s", section).isEqualTo(expression));
        assertThat(Tf.text(optional.path("jwt"))).as("local.optional_sections.jwt")
                .contains("replace(k, \"_\", \"-\") => v if v != null && k != \"keys\"")
                .contains("replace(kk, \"_\", \"-\") => vv if vv != null");
        ObjectNode generated = evaluated.deepCopy();
        optionalSections(inputs).forEach(generated::set);
        JsonNode extra = inputs.has("extra_config") ? inputs.get("extra_config") : JsonNodeFactory.instance.objectNode();
        assertThat(Tf.collectStrings(extra)).as("example extra_config").noneMatch(text -> text.contains("${var."));
        JsonNode merged = merge(generated, extra, 3);

        Map<String, String> functionEnvironment = new LinkedHashMap<>(extraEnvironment);
        functionEnvironment.putAll(arnVariables);
        inputs.path("secrets").properties().forEach(e -> functionEnvironment.put(e.getKey() + "_SECRET_ARN",
                e.getValue().asText()));
        Map<String, String> env = Secrets.resolve(functionEnvironment, fetchSecret);
        lastYaml = merged;
        try {
            return ConfigLoader.fromYaml(JSON.writeValueAsString(merged), env);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (ConfigException e) {
            throw new AssertionError("the gateway refuses the configuration Terraform generates: " + e.getMessage(), e);
        }
    }

    /** The configuration the last {@link #generatedConfig} call evaluated, as JSON (which is YAML too). */
    static JsonNode lastYaml;

    /** local.optional_sections applied to {@code inputs}: each variable set becomes its section, keys dashed. */
    private static Map<String, JsonNode> optionalSections(JsonNode inputs) {
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        if (inputs.path("users").size() > 0) {
            ArrayNode users = JsonNodeFactory.instance.arrayNode();
            inputs.get("users").forEach(u -> {
                ObjectNode user = users.addObject();
                user.set("username", u.get("username"));
                user.set("password", u.get("password_hash"));
                for (String key : List.of("roles", "allow")) {
                    if (u.has(key)) {
                        user.set(key, u.get(key));
                    }
                }
                if (u.has("totp_secret")) {
                    user.set("totp-secret", u.get("totp_secret"));
                }
            });
            sections.put("users", users);
        }
        if (inputs.path("trusted_proxies").size() > 0) {
            sections.put("trusted-proxies", inputs.get("trusted_proxies"));
        }
        if (inputs.has("cors")) {
            ObjectNode cors = JsonNodeFactory.instance.objectNode();
            cors.set("origins", inputs.get("cors").get("origins"));
            cors.put("max-age-seconds", inputs.get("cors").path("max_age_seconds").asInt(3600));
            sections.put("cors", cors);
        }
        for (String section : List.of("jwt", "sessions", "browser", "totp")) {
            if (inputs.has(section)) {
                sections.put(section, dashed(inputs.get(section)));
            }
        }
        return sections;
    }

    /** An object's (and its lists' objects') attribute names with {@code _} read as {@code -}. */
    private static JsonNode dashed(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> out.set(e.getKey().replace('_', '-'), dashed(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(dashed(item)));
            return out;
        }
        return node;
    }

    /** local.config's merge: {@code extra} over {@code generated}, objects merged {@code depth} levels down. */
    static JsonNode merge(JsonNode generated, JsonNode extra, int depth) {
        if (depth == 0 || !generated.isObject() || !extra.isObject()) {
            return extra;
        }
        ObjectNode out = ((ObjectNode) generated).deepCopy();
        extra.properties().forEach(e -> out.set(e.getKey(), generated.has(e.getKey())
                ? merge(generated.get(e.getKey()), e.getValue(), depth - 1) : e.getValue()));
        return out;
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
