package io.portcullis.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Events in and answers out, as JSON trees. The handlers take the event's bytes themselves
 * ({@code RequestStreamHandler}) instead of letting the runtime bind them to event classes: that binding loads
 * hundreds of classes through reflection on every cold start, for fields the gateway never reads.
 */
final class LambdaJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private LambdaJson() {
    }

    /** The event: a JSON object. */
    static ObjectNode read(InputStream in) {
        try {
            if (MAPPER.readTree(in) instanceof ObjectNode event) {
                return event;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the event is not JSON", e);
        }
        throw new IllegalArgumentException("the event is not a JSON object");
    }

    static void write(OutputStream out, JsonNode answer) {
        try {
            MAPPER.writeValue(out, answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads and writes a small document, so that the mappers (this one and core's, for answers' bodies) and the
     * parts of Jackson every invocation needs are loaded during init, while another thread fetches the secrets.
     */
    static void warm() {
        JsonNode read = read(new java.io.ByteArrayInputStream(
                "{\"version\":\"2.0\",\"headers\":{\"a\":\"b\"},\"n\":[1,2.5,true,null]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        write(OutputStream.nullOutputStream(), object().put("statusCode", 200).set("echo", read));
        io.portcullis.core.Json.bytes(read);
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The text at {@code path} (field names), when it is a string. */
    static Optional<String> text(JsonNode node, String... path) {
        JsonNode at = node;
        for (String field : path) {
            at = at.path(field);
        }
        return at.isTextual() ? Optional.of(at.asText()) : Optional.empty();
    }
}
