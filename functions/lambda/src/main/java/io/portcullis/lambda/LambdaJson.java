package io.portcullis.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.Json;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Events in and answers out are JSON trees, read and written by core's {@link Json}. The handlers take the event's
 * bytes themselves ({@code RequestStreamHandler}) instead of letting the runtime bind them to event classes: that
 * binding loads hundreds of classes through reflection on every cold start, for fields the gateway never reads
 * ({@link Json} does without a data-binding mapper for the same reason).
 */
final class LambdaJson {
    private LambdaJson() {
    }

    /**
     * Reads and writes a small document, so that the parts of Jackson every invocation needs are loaded during
     * init, while another thread fetches the secrets.
     */
    static void warm() {
        JsonNode read = Json.read(new ByteArrayInputStream(
                "{\"version\":\"2.0\",\"headers\":{\"a\":\"b\"},\"n\":[1,2.5,true,null]}"
                        .getBytes(StandardCharsets.UTF_8)));
        Json.write(OutputStream.nullOutputStream(), Json.object().put("statusCode", 200).set("echo", read));
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
