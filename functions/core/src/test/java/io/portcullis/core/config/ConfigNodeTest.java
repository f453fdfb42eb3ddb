package io.portcullis.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration tree: YAML read as Helidon's config read it (the format users already have), environment
 * overrides laid over it, references resolved when read.
 */
class ConfigNodeTest {
    private static final String YAML = """
            tokens: { ttl: 1h, keys: [ { id: k1, secret: "${PORTCULLIS_TOKEN_SECRET}" }, { id: k2, secret: x } ] }
            trusted-proxies: [ 10.0.0.0/8, 192.168.0.0/16 ]
            openapi: { enabled: yes }
            empty:
            port: 010
            """;

    @Test
    void scalars_areReadAsTheirText_theWayHelidonsConfigReadThem() {
        ConfigNode root = ConfigNode.parse(YAML, "test.yaml", Map.of(), false);

        assertThat(root.get("tokens.ttl").asString()).contains("1h");
        assertThat(root.get("openapi.enabled").asString()).contains("true");
        assertThat(root.get("port").asString()).contains("8");
        assertThat(root.get("empty").isLeaf()).isTrue();
        assertThat(root.get("empty").asString()).contains("");
        assertThat(root.get("tokens.keys.1.secret").asString()).contains("x");
    }

    @Test
    void shapes_keys_andMissingNodes() {
        ConfigNode root = ConfigNode.parse(YAML, "test.yaml", Map.of(), false);

        assertThat(root.get("tokens").isObject()).isTrue();
        assertThat(root.get("tokens.keys").isList()).isTrue();
        assertThat(root.get("tokens.keys").children()).extracting(ConfigNode::key)
                .containsExactly("tokens.keys.0", "tokens.keys.1");
        assertThat(root.get("tokens.keys.1").get("id").key()).isEqualTo("tokens.keys.1.id");
        assertThat(root.get("tokens.keys.1.id").name()).isEqualTo("id");
        ConfigNode missing = root.get("tokens.keys.7.id");
        assertThat(missing.exists()).isFalse();
        assertThat(missing.key()).isEqualTo("tokens.keys.7.id");
        assertThat(missing.asString()).isEmpty();
        assertThat(missing.children()).isEmpty();
        assertThat(root.get("tokens").asString()).isEmpty();
        assertThat(root.children()).extracting(ConfigNode::name)
                .containsExactly("tokens", "trusted-proxies", "openapi", "empty", "port");
        assertThat(root.get("tokens").traverse().filter(ConfigNode::isLeaf).map(ConfigNode::key))
                .containsExactly("tokens.ttl", "tokens.keys.0.id", "tokens.keys.0.secret", "tokens.keys.1.id",
                        "tokens.keys.1.secret");
    }

    @Test
    void aKeyWithADot_isOneChild_namedAsWritten() {
        ConfigNode root = ConfigNode.parse("log: { loki-labels: { app.tier: web } }\n", "dots.yaml", Map.of(), false);

        assertThat(root.get("log.loki-labels").children()).singleElement().satisfies(child -> {
            assertThat(child.name()).isEqualTo("app.tier");
            assertThat(child.asString()).contains("web");
        });
    }

    @Test
    void overrides_replaceValues_reachIntoLists_andAddKeys() {
        Map<String, String> env = ConfigLoader.withAliases(Map.of(
                "TOKENS_TTL", "2h",
                "TOKENS_KEYS_1_SECRET", "from-env",
                "TRUSTED_dash_PROXIES", "172.16.0.0/12",
                "RATE_dash_LIMITS_PROXY_BURST", "50"));

        ConfigNode root = ConfigNode.parse(YAML, "test.yaml", env, false);

        assertThat(root.get("tokens.ttl").asString()).contains("2h");
        assertThat(root.get("tokens.keys").isList()).isTrue();
        assertThat(root.get("tokens.keys.1.secret").asString()).contains("from-env");
        assertThat(root.get("tokens.keys.1.id").asString()).contains("k2");
        assertThat(root.get("trusted-proxies").isLeaf()).as("one variable replaces the whole list").isTrue();
        assertThat(root.get("trusted-proxies").asString()).contains("172.16.0.0/12");
        assertThat(root.get("rate-limits.proxy.burst").asString()).contains("50");
        assertThat(root.get("rate-limits").isObject()).isTrue();
    }

    @Test
    void theWrittenDocument_isTheSameTextWithoutTheOverrides_referencesLeftAsTheyAre() {
        ConfigNode root = ConfigNode.parse(YAML, "test.yaml", ConfigLoader.withAliases(Map.of("TOKENS_TTL", "2h",
                "RATE_dash_LIMITS_PROXY_BURST", "50", "PORTCULLIS_TOKEN_SECRET", "s3cret")), true);

        ConfigNode written = root.get("tokens").written();

        assertThat(written.get("tokens.ttl").asString()).contains("1h");
        assertThat(written.get("rate-limits").exists()).isFalse();
        assertThat(written.get("tokens.keys.0.secret").asString()).contains("${PORTCULLIS_TOKEN_SECRET}");
        assertThat(written.children()).extracting(ConfigNode::name)
                .containsExactly("tokens", "trusted-proxies", "openapi", "empty", "port");
        assertThat(root.get("tokens.ttl").asString()).contains("2h");
    }

    @Test
    void variablesWhoseAliasesCollide_leaveTheTreeReadable() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_HOME", "/usr/lib/jvm/a");
        env.put("JAVA_HOME_21_X64", "/usr/lib/jvm/b");

        ConfigNode root = ConfigNode.parse(YAML, "test.yaml", ConfigLoader.withAliases(env), true);

        assertThat(root.get("java.home.21.x64").asString()).contains("/usr/lib/jvm/b");
        assertThat(root.get("JAVA_HOME").asString()).contains("/usr/lib/jvm/a");
        assertThat(root.get("tokens.ttl").asString()).contains("1h");
    }

    @Test
    void references_resolveToVariablesAndKeys_whenRead() {
        Map<String, String> env = ConfigLoader.withAliases(Map.of("PORTCULLIS_TOKEN_SECRET", "s3cret",
                "GREETING", "hello ${tokens.keys.1.id} and ${tokens.ttl}"));

        ConfigNode root = ConfigNode.parse(YAML, "test.yaml", env, true);

        assertThat(root.get("tokens.keys.0.secret").asString()).contains("s3cret");
        assertThat(root.get("GREETING").asString()).contains("hello k2 and 1h");
    }

    @Test
    void aReferenceToNothing_isAnErrorInAStrictTree_andLeftAsWrittenOtherwise() {
        ConfigNode strict = ConfigNode.parse(YAML, "test.yaml", Map.of(), true);
        ConfigNode lenient = ConfigNode.parse(YAML, "test.yaml", Map.of(), false);

        assertThatThrownBy(() -> strict.get("tokens.keys.0.secret").asString())
                .isInstanceOf(ConfigNode.UnresolvedReference.class)
                .satisfies(e -> assertThat(((ConfigNode.UnresolvedReference) e).reference())
                        .isEqualTo("PORTCULLIS_TOKEN_SECRET"));
        assertThat(lenient.get("tokens.keys.0.secret").asString()).contains("${PORTCULLIS_TOKEN_SECRET}");
    }

    @Test
    void aReferenceLoop_endsAsUnresolved_neverAStackOverflow() {
        ConfigNode root = ConfigNode.parse("a: \"${b}\"\nb: \"${a}\"\n", "loop.yaml", Map.of(), true);

        assertThatThrownBy(() -> root.get("a").asString()).isInstanceOf(ConfigNode.UnresolvedReference.class);
    }

    @Test
    void textThatIsNotAMappingOfYaml_isAConfigErrorNamingItsOrigin() {
        assertThatThrownBy(() -> ConfigNode.parse("tokens: [unclosed", "bad.yaml", Map.of(), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.yaml: not valid YAML");
        assertThatThrownBy(() -> ConfigNode.parse("- a\n- b\n", "list.yaml", Map.of(), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("list.yaml: expected a mapping");
        assertThat(ConfigNode.parse("", "empty.yaml", Map.of(), true).children()).isEmpty();
        assertThat(ConfigNode.parse("{\"json\": {\"is\": [\"yaml\"]}}", "c.json", Map.of(), true)
                .get("json.is.0").asString()).contains("yaml");
    }

    @Test
    void aJsonDocument_readsAsTheYamlParserReadsIt_andAYamlFlowMappingStillReadsAsYaml() {
        String json = """
                {"tokens": {"ttl-seconds": 3600, "keys": [{"id": "k1", "secret": "${S}", "active": true}]},
                 "rate-limits": {"proxy": {"requests-per-second": 2.5, "burst": 100, "block-delay-ms": null}},
                 "routes": [{"prefix": "/api", "roles": [], "target": "http://b\\u00e9:80/x?y=\\"z\\""}],
                 "cors": {"origins": ["https://a.example"], "max-age-seconds": 0}, "empty": {}}
                """;

        ConfigNode read = ConfigNode.parse(json, "c.json", Map.of("S", "s"), true);
        ConfigNode asYaml = ConfigNode.parse("# read by the YAML parser\n" + json, "c.yaml", Map.of("S", "s"), true);

        assertThat(leaves(read)).isEqualTo(leaves(asYaml)).containsEntry("tokens.keys.0.secret", "s")
                .containsEntry("rate-limits.proxy.block-delay-ms", "").containsEntry("tokens.keys.0.active", "true")
                .containsEntry("routes.0.target", "http://b\u00e9:80/x?y=\"z\"");
        assertThat(read.get("routes.0.roles").isList()).isEqualTo(asYaml.get("routes.0.roles").isList()).isTrue();
        assertThat(read.get("empty").isObject()).isEqualTo(asYaml.get("empty").isObject()).isTrue();
        assertThat(ConfigNode.parse("{ tokens: { ttl: 1h } }", "flow.yaml", Map.of(), true).get("tokens.ttl")
                .asString()).contains("1h");
    }

    private static Map<String, String> leaves(ConfigNode root) {
        Map<String, String> leaves = new LinkedHashMap<>();
        root.traverse().filter(ConfigNode::isLeaf)
                .forEach(leaf -> leaves.put(leaf.key(), leaf.asString().orElseThrow()));
        return leaves;
    }
}
