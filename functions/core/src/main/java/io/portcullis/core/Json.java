package io.portcullis.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The JSON the gateway reads (small request bodies) and writes (its own answers). */
public final class Json {
    /** Strict: a key given twice, or anything after the value ({@code {…}garbage}), makes the body invalid. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }

    /** The body of a gateway error: {@code {"error": code, "message": text}}. */
    public static byte[] error(String code, String message) {
        return bytes(object().put("error", code).put("message", message));
    }

    /** Parses a JSON object; anything else (an array, a number, invalid JSON) is refused. */
    static ObjectNode parseObject(byte[] body) throws BadRequestException {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            throw new BadRequestException("invalid_json", "the body is not valid JSON");
        }
        throw new BadRequestException("invalid_json", "the body must be a JSON object");
    }

    /** Parses a JSON object for the route filters; anything else is an {@link IllegalArgumentException}. */
    public static ObjectNode tree(byte[] body) {
        try {
            return parseObject(body);
        } catch (BadRequestException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Reads at most {@code limit} bytes of a request body; more is refused with 413. */
    static byte[] readBounded(InputStream in, int limit) throws BadRequestException {
        try (in) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw new BadRequestException(413, "payload_too_large", "the body is larger than " + limit + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
