package io.portcullis.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The JSON the gateway reads (small request bodies, Lambda events) and writes (its own answers), as Jackson trees.
 *
 * <p>Trees are read and written with Jackson's streaming parser and generator, not an {@code ObjectMapper}: a
 * mapper's set-up loads a few hundred classes, a third of a Lambda function's cold start on the main thread, for
 * data binding the gateway never uses. Numbers become the nodes a mapper would make (int, long, big integer,
 * double), and the written text is what a mapper writes for the same tree.
 */
public final class Json {
    /** Strict: a key given twice, or anything after the value ({@code {…}garbage}), makes the body invalid. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static byte[] bytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        write(out, node);
        return out.toByteArray();
    }

    /** Writes {@code node} to {@code out} and closes it. */
    public static void write(OutputStream out, JsonNode node) {
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of a gateway error: {@code {"error": code, "message": text}}. */
    public static byte[] error(String code, String message) {
        return bytes(object().put("error", code).put("message", message));
    }

    /** Parses a JSON object; anything else (an array, a number, invalid JSON) is refused. */
    static ObjectNode parseObject(byte[] body) throws BadRequestException {
        try (JsonParser parser = FACTORY.createParser(body)) {
            return object(parser);
        } catch (IOException e) {
            throw new BadRequestException("invalid_json", "the body is not valid JSON");
        }
    }

    /**
     * Reads one JSON object from {@code in} (a Lambda event), under the same rules as a body.
     *
     * @throws IllegalArgumentException when it is not one JSON object
     */
    public static ObjectNode read(InputStream in) {
        try (JsonParser parser = FACTORY.createParser(in)) {
            return object(parser);
        } catch (IOException e) {
            throw new IllegalArgumentException("the event is not JSON", e);
        } catch (BadRequestException e) {
            throw new IllegalArgumentException("the event is not a JSON object");
        }
    }

    /** Parses a JSON object for the route filters; anything else is an {@link IllegalArgumentException}. */
    public static ObjectNode tree(byte[] body) {
        try {
            return parseObject(body);
        } catch (BadRequestException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** The one value {@code parser} holds, which must be an object, with nothing after it. */
    private static ObjectNode object(JsonParser parser) throws IOException, BadRequestException {
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT) {
            if (first != null) {
                parser.skipChildren();
                if (parser.nextToken() != null) {
                    throw new BadRequestException("invalid_json", "the body is not valid JSON");
                }
            }
            throw new BadRequestException("invalid_json", "the body must be a JSON object");
        }
        ObjectNode object = (ObjectNode) value(parser);
        if (parser.nextToken() != null) {
            throw new BadRequestException("invalid_json", "the body is not valid JSON");
        }
        return object;
    }

    /** The value starting at the parser's current token; nesting depth is bounded by the parser's constraints. */
    private static JsonNode value(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, value(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected " + parser.currentToken());
        };
    }

    private static void write(JsonGenerator out, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.writeStartObject();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    out.writeFieldName(field.getKey());
                    write(out, field.getValue());
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                out.writeStartArray();
                for (JsonNode element : node) {
                    write(out, element);
                }
                out.writeEndArray();
            }
            case STRING -> out.writeString(node.textValue());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> out.writeNumber(node.intValue());
                    case LONG -> out.writeNumber(node.longValue());
                    case BIG_INTEGER -> out.writeNumber(node.bigIntegerValue());
                    case FLOAT -> out.writeNumber(node.floatValue());
                    case DOUBLE -> out.writeNumber(node.doubleValue());
                    case BIG_DECIMAL -> out.writeNumber(node.decimalValue());
                }
            }
            case BOOLEAN -> out.writeBoolean(node.booleanValue());
            case NULL -> out.writeNull();
            case BINARY -> out.writeBinary(node.binaryValue());
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
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
