package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image {@code mvn -Pimage package} built (an OCI image layout in a tar), read as a runtime reads it: the
 * process runs the server's main class as a non-root user, with the config path, the port and the data volume
 * the README documents. Runs in the {@code image} profile only (failsafe), after Jib.
 */
class ImageLayoutIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Map<String, byte[]> archive;
    private static JsonNode config;
    /** Every path in the image's layers → its mode. */
    private static final Map<String, Integer> FILES = new HashMap<>();

    @BeforeAll
    static void read() throws IOException {
        Path tar = Path.of(System.getProperty("image.tar", "target/portcullis-image.tar"));
        try (InputStream in = Files.newInputStream(tar)) {
            archive = Tar.read(in);
        }
        JsonNode index = JSON.readTree(archive.get("index.json"));
        JsonNode manifest = JSON.readTree(blob(index.get("manifests").get(0).get("digest").asText()));
        config = JSON.readTree(blob(manifest.get("config").get("digest").asText())).get("config");
        for (JsonNode layer : manifest.get("layers")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob(layer.get("digest").asText())))) {
                Tar.modes(in, FILES);
            }
        }
    }

    @Test
    void process_isTheServerAsANonRootUser_withTheDocumentedConfigPortAndVolume() {
        assertThat(config.get("User").asText()).isEqualTo("65532:0");
        assertThat(strings(config.get("Entrypoint"))).startsWith("java").contains("-Xmx112m", "-cp")
                .endsWith("io.portcullis.server.Main");
        assertThat(strings(config.get("Env"))).contains("PORTCULLIS_CONFIG=/etc/portcullis/portcullis.yaml");
        assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(config.get("Volumes").has("/var/lib/portcullis")).isTrue();
        assertThat(config.get("WorkingDir").asText()).isEqualTo("/var/lib/portcullis");
    }

    @Test
    void layers_holdTheClassesAndLibraries_andAGroupWritableDataDirectory() {
        assertThat(FILES).containsKeys("app/classes/io/portcullis/server/Main.class",
                "app/classes/io/portcullis/server/cli/PortcullisCli.class", "app/libs/picocli-4.7.7.jar",
                "app/libs/DynamoDBLocal-2.6.1.jar", "app/jib-classpath-file");
        assertThat(FILES.get("var/lib/portcullis") & 0777).as("owner and group 0 may write, others nothing")
                .isEqualTo(0770);
        assertThat(FILES.entrySet()).as("nothing of ours is world-writable")
                .filteredOn(entry -> entry.getKey().startsWith("app/") || entry.getKey().startsWith("var/lib/portcullis"))
                .isNotEmpty().noneMatch(entry -> (entry.getValue() & 0002) != 0);
    }

    private static byte[] blob(String digest) {
        byte[] blob = archive.get("blobs/" + digest.replace(':', '/'));
        assertThat(blob).as(digest).isNotNull();
        return blob;
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** Just enough of tar (ustar, GNU long names, PAX paths) to read an image. */
    private static final class Tar {
        static Map<String, byte[]> read(InputStream in) throws IOException {
            Map<String, byte[]> files = new HashMap<>();
            walk(in, (name, mode, content) -> files.put(name, content));
            return files;
        }

        static void modes(InputStream in, Map<String, Integer> modes) throws IOException {
            walk(in, (name, mode, content) -> modes.put(name, mode));
        }

        private interface Entry {
            void accept(String name, int mode, byte[] content);
        }

        private static void walk(InputStream in, Entry entry) throws IOException {
            String longName = null;
            while (true) {
                byte[] header = in.readNBytes(512);
                if (header.length < 512 || header[0] == 0) {
                    return;
                }
                String name = text(header, 0, 100);
                String prefix = text(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                int mode = (int) octal(header, 100, 8);
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                byte[] content = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'L') {
                    longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                if (type == 'x') {
                    for (String record : new String(content, StandardCharsets.UTF_8).split("\n")) {
                        int path = record.indexOf(" path=");
                        if (path >= 0) {
                            longName = record.substring(path + 6);
                        }
                    }
                    continue;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                entry.accept(normalise(name), mode, content);
            }
        }

        private static String normalise(String name) {
            String path = name.startsWith("./") ? name.substring(2) : name;
            path = path.startsWith("/") ? path.substring(1) : path;
            return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        }

        private static String text(byte[] header, int offset, int length) {
            int end = offset;
            while (end < offset + length && header[end] != 0) {
                end++;
            }
            return new String(header, offset, end - offset, StandardCharsets.UTF_8);
        }

        private static long octal(byte[] header, int offset, int length) {
            String digits = text(header, offset, length).strip();
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        }
    }
}
