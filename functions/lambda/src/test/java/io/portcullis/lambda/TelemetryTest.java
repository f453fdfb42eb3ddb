package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What a function logs about itself, apart from requests. */
class TelemetryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Issue 17 item 3: a configuration with logins not rate-limited is said at the cold start, naming the key. */
    @Test
    void coldStart_logsTheBuildTime_andTheConfigurationsWarnings() throws Exception {
        LambdaFunctions functions = new LambdaFunctions("store: { type: memory }\n"
                + "rate-limits: { auth: { requests-per-second: 0 } }\n");
        TestContext context = new TestContext();

        new Telemetry("token").coldStart(context, true, functions.gateway.parts());

        assertThat(context.lines).hasSize(2);
        JsonNode warning = JSON.readTree(context.lines.get(1));
        assertThat(warning.get("level").asText()).isEqualTo("WARN");
        assertThat(warning.get("cold_start").asBoolean()).isTrue();
        assertThat(warning.get("warning").asText())
                .startsWith("rate-limits.auth.requests-per-second: logins are not rate-limited");
    }

    @Test
    void warmInvocation_logsNothingAboutTheConfiguration() {
        LambdaFunctions functions = new LambdaFunctions("store: { type: memory }\n"
                + "rate-limits: { auth: { requests-per-second: 0 } }\n");
        TestContext context = new TestContext();

        new Telemetry("token").coldStart(context, false, functions.gateway.parts());

        assertThat(context.lines).isEmpty();
    }
}
