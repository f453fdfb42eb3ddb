package io.portcullis.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs HashiCorp's HCL parser ({@code node tools/hcl2json/parse.mjs}, {@code @cdktf/hcl2json}) on Terraform files
 * and returns the JSON. Tests that need it skip (JUnit assumptions) only when {@code node} or the parser's
 * {@code node_modules} is missing; a file that does not parse fails them.
 */
final class Hcl {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = findRoot();
    private static Boolean nodeAvailable;

    private Hcl() {
    }

    /** The repository root: the nearest directory above this module holding {@code tools/hcl2json/parse.mjs}. */
    static Path root() {
        return ROOT;
    }

    /** The Terraform module under test: {@code <root>/terraform}. */
    static Path moduleDir() {
        return ROOT.resolve("terraform");
    }

    /** Skips the calling test unless node and the parser's packages are installed ({@code .ci/run} does both). */
    static void assumeParserAvailable() {
        Assumptions.assumeTrue(nodeAvailable(), "node is not installed: the HCL checks need it (see .ci/run)");
        Assumptions.assumeTrue(Files.isDirectory(ROOT.resolve("tools/hcl2json/node_modules/@cdktf/hcl2json")),
                "tools/hcl2json/node_modules is missing: run npm ci --prefix tools/hcl2json");
    }

    /** Every {@code .tf} file in {@code dir} merged into one JSON document (or one file, if a file is given). */
    static JsonNode parse(Path dirOrFile) {
        return run(List.of(dirOrFile.toString()));
    }

    /** {@code {"<file name>": <its JSON>}} for every {@code .tf} file in {@code dir}. */
    static JsonNode parseByFile(Path dir) {
        return run(List.of("--by-file", dir.toString()));
    }

    private static JsonNode run(List<String> args) {
        assumeParserAvailable();
        List<String> command = new ArrayList<>(List.of("node", ROOT.resolve("tools/hcl2json/parse.mjs").toString()));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).directory(ROOT.toFile()).start();
            process.getOutputStream().close();
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            byte[] stdout = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("hcl2json did not finish within 60 s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("HCL does not parse: " + new String(stderr.join(), StandardCharsets.UTF_8).trim());
            }
            return JSON.readTree(stdout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while parsing HCL", e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized boolean nodeAvailable() {
        if (nodeAvailable == null) {
            try {
                Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
                process.getInputStream().readAllBytes();
                nodeAvailable = process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException e) {
                nodeAvailable = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                nodeAvailable = false;
            }
        }
        return nodeAvailable;
    }

    private static Path findRoot() {
        Path start = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("tools/hcl2json/parse.mjs")) && Files.isDirectory(dir.resolve("terraform"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (with tools/hcl2json/parse.mjs) above " + start);
    }
}
