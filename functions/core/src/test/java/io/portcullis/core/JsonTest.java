package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Json} reads and writes trees without a data-binding mapper; what it reads and writes must be what the
 * mapper it replaced read and wrote, node types and bytes alike. The mapper here is the reference, configured as
 * {@code Json}'s was.
 */
class JsonTest {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{\"a\":1,\"b\":-2147483649,\"c\":123456789012345678901234567890,\"d\":2.5,\"e\":1e300,\"f\":-0.0}",
        "{\"s\":\"\\u00e9\\ud83d\\ude00 \\\"q\\\" \\\\ \\n\\t\\u0001\",\"n\":null,\"t\":true,\"f\":false}",
        "{\"nested\":{\"list\":[1,[2,[3,{}]],[],{\"x\":[null]}]},\"empty\":\"\"}",
        " \n{ \"spaced\" : [ 1 , 2 ] }\n ",
    })
    void reads_theTreeTheMapperRead_andWrites_itsBytes(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        JsonNode expected = MAPPER.readTree(bytes);

        ObjectNode read = Json.tree(bytes);

        assertThat(read).isEqualTo(expected);
        assertSameNodeTypes(read, expected);
        assertThat(Json.bytes(read)).isEqualTo(MAPPER.writeValueAsBytes(expected));
        assertThat(Json.read(new ByteArrayInputStream(bytes))).isEqualTo(expected);
    }

    @Test
    void randomTrees_areWrittenAsTheMapperWritesThem_andReadBackEqual() throws Exception {
        Random random = new Random(18);
        for (int i = 0; i < 500; i++) {
            ObjectNode tree = randomObject(random, 3);

            byte[] written = Json.bytes(tree);

            assertThat(written).isEqualTo(MAPPER.writeValueAsBytes(tree));
            assertThat(Json.tree(written)).isEqualTo(MAPPER.readTree(written));
        }
    }

    @Test
    void write_closesTheStream_asTheMapperDid() {
        boolean[] closed = {false};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        Json.write(out, Json.object().put("statusCode", 200));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"statusCode\":200}");
        assertThat(closed[0]).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":1", "{'a':1}", "{\"a\":01}",
        "[1] 2", "5 5", "{\"a\":[1,]}"})
    void invalidJson_isRefusedAsInvalid(String text) {
        assertThatThrownBy(() -> Json.parseObject(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadRequestException.class).hasMessage("the body is not valid JSON");
        assertThatThrownBy(() -> Json.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "[1,2]", "\"text\"", "42", "null", "true"})
    void validJsonThatIsNotAnObject_isRefusedAsSuch(String text) {
        assertThatThrownBy(() -> Json.parseObject(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadRequestException.class).hasMessage("the body must be a JSON object");
        assertThatThrownBy(() -> Json.tree(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the body must be a JSON object");
    }

    @Test
    void deepNesting_isRefusedAsInvalid_neverAStackOverflow() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

        assertThatThrownBy(() -> Json.parseObject(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadRequestException.class).hasMessage("the body is not valid JSON");
    }

    private static void assertSameNodeTypes(JsonNode actual, JsonNode expected) {
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        if (expected.isContainerNode()) {
            for (int i = 0; i < expected.size(); i++) {
                if (expected.isArray()) {
                    assertSameNodeTypes(actual.get(i), expected.get(i));
                }
            }
            expected.properties().forEach(field -> assertSameNodeTypes(actual.get(field.getKey()), field.getValue()));
        }
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode object = Json.object();
        for (int i = random.nextInt(5); i > 0; i--) {
            object.set(randomString(random), randomValue(random, depth));
        }
        return object;
    }

    private static JsonNode randomValue(Random random, int depth) {
        return switch (random.nextInt(depth > 0 ? 9 : 7)) {
            case 0 -> Json.object().textNode(randomString(random));
            case 1 -> Json.object().numberNode(random.nextInt());
            case 2 -> Json.object().numberNode(random.nextLong());
            case 3 -> Json.object().numberNode(new BigInteger(90, random));
            case 4 -> Json.object().numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 5 -> Json.object().booleanNode(random.nextBoolean());
            case 6 -> Json.object().nullNode();
            case 7 -> randomObject(random, depth - 1);
            default -> {
                ArrayNode array = Json.object().arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(random, depth - 1));
                }
                yield array;
            }
        };
    }

    private static String randomString(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            text.appendCodePoint(switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x20);
                case 1 -> 0x20 + random.nextInt(0x5f);
                case 2 -> 0xa0 + random.nextInt(0x2000);
                default -> 0x1f600 + random.nextInt(0x50);
            });
        }
        return text.toString();
    }
}
