package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenAPI description of the gateway's own endpoints ({@code openapi.yaml} in the core), parsed by a real
 * OpenAPI 3.1 parser (swagger-parser), and a check of an actual answer against it: the path and method are
 * described, the status is one of the operation's responses, the content type one of that response's media types
 * (none for a response without content), and a JSON body valid against its schema (JSON Schema 2020-12, the dialect
 * of OpenAPI 3.1, with the document's {@code $ref}s).
 */
public final class OpenApiDocument {
    /** The gateway's own description, as the core's jar carries it. */
    public static final OpenApiDocument GATEWAY = load();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenAPI model;
    private final JsonNode raw;

    private OpenApiDocument(OpenAPI model, JsonNode raw) {
        this.model = model;
        this.raw = raw;
    }

    private static OpenApiDocument load() {
        String text;
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/openapi.yaml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(text);
    }

    /** Parses {@code text}, failing on any message of the parser (an invalid document). */
    public static OpenApiDocument parse(String text) {
        ParseOptions options = new ParseOptions();
        options.setResolveFully(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        assertThat(result.getMessages()).as("the OpenAPI parser's complaints").isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        try {
            return new OpenApiDocument(result.getOpenAPI(), new ObjectMapper(new YAMLFactory()).readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public OpenAPI model() {
        return model;
    }

    /** Whether the document describes {@code path} (a query, if any, ignored). */
    public boolean describes(String path) {
        return template(strip(path)).isPresent();
    }

    /**
     * Checks one answer of the gateway against the description; fails the test with what does not match.
     *
     * @param contentType the answer's {@code Content-Type}, or empty/null without one
     */
    public void check(String method, String path, int status, String contentType, String body) {
        String at = method + " " + path + " → " + status;
        String template = template(strip(path)).orElseThrow(() -> new AssertionError(at + ": the path is not in "
                + "openapi.yaml"));
        PathItem item = model.getPaths().get(template);
        Operation operation = item.readOperationsMap().get(PathItem.HttpMethod.valueOf(method.toUpperCase(
                Locale.ROOT)));
        assertThat(operation).as(at + ": the method is not in openapi.yaml").isNotNull();
        ApiResponse response = operation.getResponses().get(Integer.toString(status));
        assertThat(response).as(at + ": the status is not among the documented responses "
                + operation.getResponses().keySet()).isNotNull();
        Content content = response.getContent();
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (content == null || content.isEmpty()) {
            assertThat(body).as(at + ": a response documented without content").isNullOrEmpty();
            return;
        }
        assertThat(content.keySet()).as(at + ": the content type").contains(mediaType);
        if (!mediaType.endsWith("json")) {
            return;
        }
        JsonNode schema = rawResponse(template, method, status).path("content").path(mediaType).path("schema");
        ObjectNode root = schema.deepCopy();
        root.set("components", raw.get("components"));
        try {
            Set<ValidationMessage> problems = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(root).validate(JSON.readTree(body));
            assertThat(problems).as(at + ": the body " + body + " against its schema").isEmpty();
        } catch (IOException e) {
            throw new AssertionError(at + ": the body is not JSON: " + body, e);
        }
    }

    /** The response object as written, its {@code $ref} to {@code components/responses} followed. */
    private JsonNode rawResponse(String template, String method, int status) {
        JsonNode response = raw.path("paths").path(template).path(method.toLowerCase(Locale.ROOT))
                .path("responses").path(Integer.toString(status));
        JsonNode ref = response.get("$ref");
        return ref == null ? response : raw.at(ref.asText().substring(1));
    }

    private Optional<String> template(String path) {
        if (model.getPaths().containsKey(path)) {
            return Optional.of(path);
        }
        String[] segments = path.split("/", -1);
        for (Map.Entry<String, PathItem> entry : model.getPaths().entrySet()) {
            String[] pattern = entry.getKey().split("/", -1);
            if (pattern.length != segments.length) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < pattern.length && matches; i++) {
                matches = pattern[i].startsWith("{") && pattern[i].endsWith("}") && !segments[i].isEmpty()
                        || pattern[i].equals(segments[i]);
            }
            if (matches) {
                return Optional.of(entry.getKey());
            }
        }
        return Optional.empty();
    }

    private static String strip(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    /** The paths described, for tests that want every one of them exercised. */
    public List<String> paths() {
        return List.copyOf(model.getPaths().keySet());
    }
}
