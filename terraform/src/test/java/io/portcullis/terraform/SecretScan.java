package io.portcullis.terraform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Looks for secret values written into Terraform files ({@code .tf}, {@code .tfvars}, their JSON forms), the way
 * secret scanners do: known credential formats, literal values given to secret-named attributes, and long
 * high-entropy strings. Text-based on purpose: it also sees comments and files that do not parse.
 */
final class SecretScan {
    private static final Pattern AWS_ACCESS_KEY = Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\\b");
    private static final Pattern AWS_SECRET_KEY = Pattern.compile("(?i)aws_?secret_?access_?key\\s*[=:]\\s*\"?[A-Za-z0-9/+=]{40}");
    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");
    /** An attribute or variable whose name says secret, given a quoted literal (no interpolation, not empty). */
    private static final Pattern SECRET_LITERAL = Pattern.compile(
            "(?im)^\\s*\"?([a-z0-9_]*(?:secret|password|passwd|private_key|access_key|api_key|credential)[a-z0-9_]*)\"?\\s*[=:]\\s*\"((?:[^\"\\\\$]|\\\\.|\\$(?!\\{))+)\"");
    /** Runs of base64/base64url/hex characters inside double-quoted strings. */
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9+/=_-]{20,}");
    private static final Pattern BLOCK_HEADER = Pattern.compile("^\\s*(?:resource|data|module|variable|output|provider|ephemeral|check)\\s+\"[^\"]*\"(?:\\s+\"[^\"]*\")?\\s*\\{\\s*$");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{[^}]*}");
    private static final Pattern HEX = Pattern.compile("\\b[0-9a-fA-F]{32,}\\b");

    private SecretScan() {
    }

    /** Problems in every Terraform file under {@code dir} (skipping build output and dependencies). */
    static List<String> scan(Path dir) {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile)
                    .filter(SecretScan::isTerraformFile)
                    .filter(file -> !isIgnoredPath(dir.relativize(file)))
                    .sorted()
                    .forEach(file -> problems.addAll(scanFile(dir.relativize(file).toString(), read(file))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return problems;
    }

    static boolean isTerraformFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".tf") || name.endsWith(".tfvars") || name.endsWith(".tf.json")
                || name.endsWith(".tfvars.json");
    }

    private static boolean isIgnoredPath(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals("node_modules") || name.equals(".terraform") || name.equals("src")) {
                return true;
            }
        }
        return false;
    }

    /** Problems in one file's text, each naming the file and line. */
    static List<String> scanFile(String name, String text) {
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String at = name + ":" + (i + 1) + ": ";
            if (AWS_ACCESS_KEY.matcher(line).find()) {
                problems.add(at + "an AWS access key id");
            }
            if (AWS_SECRET_KEY.matcher(line).find()) {
                problems.add(at + "an AWS secret access key");
            }
            if (PRIVATE_KEY.matcher(line).find()) {
                problems.add(at + "a private key");
            }
            Matcher literal = SECRET_LITERAL.matcher(line);
            if (literal.find()) {
                problems.add(at + literal.group(1) + " is given a literal value: generate it (random_password) or pass it in by reference");
            }
            // Block labels ("aws_apigatewayv2_integration" "token") are type and resource names.
            Matcher quoted = QUOTED.matcher(BLOCK_HEADER.matcher(line).find() ? "" : line);
            while (quoted.find()) {
                // References inside ${...} are names of things, not values.
                String content = INTERPOLATION.matcher(quoted.group(1)).replaceAll(" ");
                Matcher token = TOKEN.matcher(content);
                while (token.find()) {
                    String candidate = token.group();
                    if (looksRandom(candidate)) {
                        problems.add(at + "a high-entropy string (" + candidate.substring(0, 6) + "…, "
                                + String.format("%.2f", entropy(candidate)) + " bits/char)");
                    }
                }
                Matcher hex = HEX.matcher(content);
                while (hex.find()) {
                    problems.add(at + "a long hex string (" + hex.group().substring(0, 6) + "…)");
                }
            }
        }
        return problems;
    }

    /** At least 20 characters mixing letters and digits, with the entropy of random base64 rather than words. */
    static boolean looksRandom(String candidate) {
        boolean letters = candidate.chars().anyMatch(Character::isLetter);
        boolean digits = candidate.chars().anyMatch(Character::isDigit);
        return letters && digits && entropy(candidate) >= 3.5;
    }

    /** Shannon entropy in bits per character. */
    static double entropy(String text) {
        int[] counts = new int[128];
        for (char c : text.toCharArray()) {
            counts[c & 0x7f]++;
        }
        double bits = 0;
        for (int count : counts) {
            if (count > 0) {
                double p = (double) count / text.length();
                bits -= p * Math.log(p) / Math.log(2);
            }
        }
        return bits;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
