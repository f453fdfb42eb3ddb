package io.portcullis.infra.dynamodb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.utils.builder.Buildable;

/**
 * The SDK's DynamoDB model objects (requests, responses, errors) to and from DynamoDB's JSON, as the SDK's JSON
 * protocol writes and reads them: by each model's field list ({@link SdkPojo#sdkFields()}), so every operation's
 * shapes are covered by one walk. Unset fields are left out; blobs are base64; times are epoch seconds.
 */
final class ModelJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private ModelJson() {
    }

    static byte[] write(SdkPojo model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writeObject(json, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads {@code body} into {@code builder} (a response's) and builds it. */
    @SuppressWarnings("unchecked")
    static <T> T read(byte[] body, SdkPojo builder) {
        fill(body, builder);
        return (T) ((Buildable) builder).build();
    }

    /** Sets on {@code builder} the fields {@code body} holds; fields it does not know are skipped. */
    static void fill(byte[] body, SdkPojo builder) {
        try (JsonParser json = FACTORY.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            readObject(json, builder);
        } catch (IOException e) {
            throw new IllegalArgumentException("DynamoDB's answer is not the JSON expected: " + e.getMessage(), e);
        }
    }

    private static void writeObject(JsonGenerator json, SdkPojo model) throws IOException {
        json.writeStartObject();
        for (SdkField<?> field : model.sdkFields()) {
            Object value = field.getValueOrDefault(model);
            if (value != null && !(value instanceof SdkAutoConstructList) && !(value instanceof SdkAutoConstructMap)) {
                json.writeFieldName(field.locationName());
                writeValue(json, field, value);
            }
        }
        json.writeEndObject();
    }

    private static void writeValue(JsonGenerator json, SdkField<?> field, Object value) throws IOException {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.SDK_POJO) {
            writeObject(json, (SdkPojo) value);
        } else if (type == MarshallingType.LIST) {
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            json.writeStartArray();
            for (Object element : (List<?>) value) {
                writeValue(json, member, element);
            }
            json.writeEndArray();
        } else if (type == MarshallingType.MAP) {
            SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                json.writeFieldName((String) entry.getKey());
                writeValue(json, member, entry.getValue());
            }
            json.writeEndObject();
        } else if (type == MarshallingType.STRING) {
            json.writeString((String) value);
        } else if (type == MarshallingType.BOOLEAN) {
            json.writeBoolean((Boolean) value);
        } else if (type == MarshallingType.INTEGER || type == MarshallingType.LONG) {
            json.writeNumber(((Number) value).longValue());
        } else if (type == MarshallingType.DOUBLE || type == MarshallingType.FLOAT) {
            json.writeNumber(((Number) value).doubleValue());
        } else if (type == MarshallingType.BIG_DECIMAL) {
            json.writeNumber((BigDecimal) value);
        } else if (type == MarshallingType.SDK_BYTES) {
            json.writeString(Base64.getEncoder().encodeToString(((SdkBytes) value).asByteArrayUnsafe()));
        } else if (type == MarshallingType.INSTANT) {
            json.writeNumber(BigDecimal.valueOf(((Instant) value).toEpochMilli(), 3));
        } else {
            throw new IllegalArgumentException("no JSON for " + type + " (" + field.memberName() + ")");
        }
    }

    private static void readObject(JsonParser json, SdkPojo builder) throws IOException {
        Map<String, SdkField<?>> fields = new HashMap<>();
        for (SdkField<?> field : builder.sdkFields()) {
            fields.put(field.locationName(), field);
        }
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            SdkField<?> field = fields.get(json.currentName());
            json.nextToken();
            if (field == null) {
                json.skipChildren(); // a field this SDK version does not know
            } else {
                field.set(builder, readValue(json, field));
            }
        }
    }

    private static Object readValue(JsonParser json, SdkField<?> field) throws IOException {
        if (json.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.SDK_POJO) {
            expect(json, JsonToken.START_OBJECT, field);
            SdkPojo builder = field.constructor().get();
            readObject(json, builder);
            return ((Buildable) builder).build();
        }
        if (type == MarshallingType.LIST) {
            expect(json, JsonToken.START_ARRAY, field);
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            List<Object> list = new ArrayList<>();
            while (json.nextToken() != JsonToken.END_ARRAY) {
                list.add(readValue(json, member));
            }
            return list;
        }
        if (type == MarshallingType.MAP) {
            expect(json, JsonToken.START_OBJECT, field);
            SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> map = new LinkedHashMap<>();
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String key = json.currentName();
                json.nextToken();
                map.put(key, readValue(json, member));
            }
            return map;
        }
        if (type == MarshallingType.STRING) {
            expect(json, JsonToken.VALUE_STRING, field);
            return json.getText();
        }
        if (type == MarshallingType.BOOLEAN) {
            return json.getBooleanValue();
        }
        if (type == MarshallingType.INTEGER) {
            return json.getIntValue();
        }
        if (type == MarshallingType.LONG) {
            return json.getLongValue();
        }
        if (type == MarshallingType.DOUBLE) {
            return json.getDoubleValue();
        }
        if (type == MarshallingType.FLOAT) {
            return json.getFloatValue();
        }
        if (type == MarshallingType.BIG_DECIMAL) {
            return json.getDecimalValue();
        }
        if (type == MarshallingType.SDK_BYTES) {
            expect(json, JsonToken.VALUE_STRING, field);
            return SdkBytes.fromByteArrayUnsafe(Base64.getDecoder().decode(json.getText()));
        }
        if (type == MarshallingType.INSTANT) {
            BigDecimal seconds = json.getDecimalValue();
            return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        }
        throw new IllegalArgumentException("no JSON for " + type + " (" + field.memberName() + ")");
    }

    private static void expect(JsonParser json, JsonToken token, SdkField<?> field) throws IOException {
        if (json.currentToken() != token) {
            throw new IOException(field.memberName() + " is " + json.currentToken() + ", not " + token);
        }
    }
}
