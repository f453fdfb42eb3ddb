package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/portcullis.service: its settings, read as systemd reads them, and systemd's own checks when
 * {@code systemd-analyze} is installed (Debian package {@code systemd}, which {@code .ci/run} installs; skipped
 * without it elsewhere, a failure on CI).
 */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("..", "deploy", "portcullis.service").toAbsolutePath().normalize();
    private static final Path LAUNCHER = Path.of("..", "bin", "portcullis").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void unit_runsTheJarUnprivileged_hardened_withReloadAndRestart() throws IOException {
        Map<String, Map<String, List<String>>> unit = parse(Files.readString(UNIT));
        Map<String, List<String>> service = unit.get("Service");

        assertThat(service.get("ExecStart")).containsExactly(
                "/opt/portcullis/bin/portcullis --config /etc/portcullis/portcullis.yaml");
        assertThat(service.get("ExecReload")).containsExactly("/bin/kill -HUP $MAINPID");
        assertThat(service.get("User")).containsExactly("portcullis");
        assertThat(service.get("Restart")).containsExactly("on-failure");
        assertThat(service.get("RestartPreventExitStatus")).as("a config problem (exit 2) is not retried")
                .containsExactly("2");
        for (String on : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices")) {
            assertThat(service.get(on)).as(on).containsExactly("yes");
        }
        assertThat(service.get("ProtectSystem")).containsExactly("strict");
        assertThat(service.get("CapabilityBoundingSet")).as("no capabilities").containsExactly("");
        assertThat(service.get("AmbientCapabilities")).containsExactly("");
        assertThat(service.get("StateDirectory")).containsExactly("portcullis");
        assertThat(service.get("ReadWritePaths")).containsExactly("/var/lib/portcullis");
        assertThat(service).doesNotContainKey("MemoryDenyWriteExecute");
        assertThat(unit.get("Install").get("WantedBy")).containsExactly("multi-user.target");
    }

    @Test
    void systemdAnalyze_verifiesTheUnit_withoutAWarning() throws Exception {
        requireSystemdAnalyze();
        Path unit = installedLikeHere();

        Result verify = run("systemd-analyze", "verify", unit.toString());

        assertThat(verify.code()).as(verify.output()).isZero();
        assertThat(verify.output()).as("unknown keys are only warned about").isEmpty();
    }

    @Test
    void systemdAnalyzeSecurity_ratesTheUnitOk() throws Exception {
        requireSystemdAnalyze();
        Result security = run("systemd-analyze", "security", "--offline=yes", "--no-pager",
                installedLikeHere().toString());
        assumeTrue(!security.output().contains("unrecognized option"), "this systemd has no offline security check");

        Matcher level = Pattern.compile("Overall exposure level for portcullis.service: ([0-9.]+) (\\w+)")
                .matcher(security.output());
        assertThat(level.find()).as(security.output()).isTrue();
        assertThat(Double.parseDouble(level.group(1))).as("systemd rates below 4.0 as OK").isLessThan(4.0);
    }

    /**
     * The unit with ExecStart pointing at this checkout's launcher: systemd-analyze refuses a command that does not
     * exist, and /opt/portcullis is not installed on a build machine.
     */
    private Path installedLikeHere() throws IOException {
        String text = Files.readString(UNIT).replace("/opt/portcullis/bin/portcullis", LAUNCHER.toString());
        return Files.writeString(dir.resolve("portcullis.service"), text);
    }

    /** Sections → keys → values in order, as systemd reads them (comments and blank lines skipped). */
    private static Map<String, Map<String, List<String>>> parse(String text) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), k -> new LinkedHashMap<>());
                continue;
            }
            int equals = line.indexOf('=');
            assertThat(current).as("a key before any section: " + line).isNotNull();
            assertThat(equals).as("not a key=value line: " + line).isPositive();
            current.computeIfAbsent(line.substring(0, equals).strip(), k -> new ArrayList<>())
                    .add(line.substring(equals + 1).strip());
        }
        return sections;
    }

    private record Result(int code, String output) {
    }

    private static Result run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    /**
     * Skips without {@code systemd-analyze} on a developer's machine; on CI ({@code CI=true}, which {@code .ci/run}
     * runs under and which installs the {@code systemd} package) its absence fails the test, so a skip cannot pass
     * for a check.
     */
    private static void requireSystemdAnalyze() {
        boolean installed = onPath("systemd-analyze");
        if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("systemd-analyze is missing on CI: .ci/run installs the systemd package");
        }
        assumeTrue(installed, "systemd-analyze is not installed (Debian package systemd)");
    }

    private static boolean onPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
