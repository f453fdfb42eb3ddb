package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.Fixtures;
import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.GatewayConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionConfigTest {
    private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:token";
    private static final String YAML = Fixtures.baseYaml().replace(Fixtures.SECRET, "${PORTCULLIS_TOKEN_SECRET}")
            + "store: { type: memory }\n";

    @Test
    void read_checksWithPlaceholders_andNeverFetchesASecret() {
        List<String> fetched = new ArrayList<>();
        FunctionConfig config = FunctionConfig.read(Map.of(FunctionConfig.YAML, YAML,
                "PORTCULLIS_TOKEN_SECRET_ARN", ARN), arn -> {
                    fetched.add(arn);
                    return Fixtures.SECRET;
                });

        assertThat(fetched).as("no secret is fetched by the init-time check").isEmpty();
        GatewayConfig real = config.load(Secrets.resolve(Map.of("PORTCULLIS_TOKEN_SECRET_ARN", ARN), arn -> Fixtures.SECRET));
        assertThat(real.tokens().keyRing()).isNotNull();
    }

    @Test
    void read_refusesWhatAFunctionCannotRun_namingEachKey() {
        String yaml = YAML.replace("store: { type: memory }", "store: { type: embedded }")
                + "users: [ { username: alice, password: plaintext } ]\n"
                + "upstream: { connect-timeout: 5s, read-timeout: 25s }\n";
        Map<String, String> env = new HashMap<>(Map.of(FunctionConfig.YAML, yaml, "PORTCULLIS_TOKEN_SECRET_ARN", ARN,
                FunctionConfig.TIMEOUT, "29"));

        assertThatThrownBy(() -> FunctionConfig.read(env, arn -> Fixtures.SECRET))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.startsWith("store.type"))
                        .anyMatch(p -> p.startsWith("users: alice"))
                        .anyMatch(p -> p.startsWith("upstream.read-timeout") && p.contains("29 s")));
    }

    @Test
    void read_upstreamTimeoutsBelowTheFunctionsTimeout_pass() {
        String yaml = YAML + "upstream: { connect-timeout: 3s, read-timeout: 25s }\n";

        FunctionConfig.read(Map.of(FunctionConfig.YAML, yaml, "PORTCULLIS_TOKEN_SECRET_ARN", ARN,
                FunctionConfig.TIMEOUT, "29"), arn -> Fixtures.SECRET);
    }

    @Test
    void read_aConfigurationInASecret_isFetchedOnce_andBothSourcesAtOnceAreRefused() {
        List<String> fetched = new ArrayList<>();
        FunctionConfig.read(Map.of(FunctionConfig.YAML_ARN, "arn:config", "PORTCULLIS_TOKEN_SECRET_ARN", ARN),
                arn -> {
                    fetched.add(arn);
                    return YAML;
                });
        assertThat(fetched).containsExactly("arn:config");

        assertThatThrownBy(() -> FunctionConfig.read(Map.of(FunctionConfig.YAML, YAML, FunctionConfig.YAML_ARN,
                "arn:config"), arn -> YAML)).hasMessageContaining("set one, not both");
        assertThatThrownBy(() -> FunctionConfig.read(Map.of(), arn -> YAML))
                .hasMessageContaining(FunctionConfig.YAML);
    }

    @Test
    void placeholders_standForEverySecret_andPassTheTokenKeyChecks() {
        assertThat(Secrets.placeholders(Map.of("A_SECRET_ARN", "arn:a", "B", "b")))
                .containsEntry("A_SECRET", Secrets.PLACEHOLDER).containsEntry("B", "b");
    }
}
