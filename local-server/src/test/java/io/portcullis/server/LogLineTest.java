package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A log line is one JSON object that a JSON parser reads back to exactly the values written. */
class LogLineTest {
    @Test
    void valuesReadBackExactly_andNoValueBreaksTheLine() {
        List<String> values = new ArrayList<>(List.of("", "plain", "quote \" and backslash \\",
                "\r\n{\"log\":\"forged\"}", "tab\tbell\u0007nul\u0000esc\u001bdel\u007f", "ünïcødé ✓ 😀",
                "/path?x=%22%0d%0a"));
        Random random = new Random(42);
        for (int n = 0; n < 2_000; n++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
            }
            values.add(new String(chars).replaceAll("[\\uD800-\\uDFFF]", "x")); // lone surrogates: the test below
        }
        for (String value : values) {
            String json = new LogLine("2026-12-07T00:00:00Z", "access").put("path", value).put("status", 200)
                    .put("duration_ms", 1.5).json();

            assertThat(json).doesNotContain("\n", "\r");
            JsonNode read = Json.tree(json.getBytes(StandardCharsets.UTF_8));
            assertThat(read.get("path").textValue()).isEqualTo(value);
            assertThat(read.get("time").textValue()).isEqualTo("2026-12-07T00:00:00Z");
            assertThat(read.get("log").textValue()).isEqualTo("access");
            assertThat(read.get("status").longValue()).isEqualTo(200);
            assertThat(read.get("duration_ms").doubleValue()).isEqualTo(1.5);
            assertThat(read.size()).isEqualTo(5);
        }
    }

    @Test
    void numbersAreWrittenAsJacksonWroteThem() {
        for (double millis : new double[] {0.0, 0.001, 1.5, 12.345, 999_999.999, 123_456_789.0}) {
            String json = new LogLine("t", "access").put("duration_ms", millis).put("bytes", Long.MAX_VALUE).json();
            String jackson = Json.object().put("time", "t").put("log", "access").put("duration_ms", millis)
                    .put("bytes", Long.MAX_VALUE).toString();
            assertThat(json).isEqualTo(jackson);
        }
    }

    @Test
    void aLoneSurrogate_isEscaped_soTheLineStaysValidUtf8() {
        String json = new LogLine("t", "audit").put("user", "a\uD800b\uDC00").json();

        assertThat(json).contains("a\\ud800b\\udc00");
        assertThat(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(json);
    }
}
