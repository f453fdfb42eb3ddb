package io.portcullis.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server in a JVM of its own, started by {@code Main} as an operator would: for what a test must not do to its
 * own JVM (a small heap, a signal, a descriptor limit). Its output goes to a log the test can wait on.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    final Path log;
    final int port;

    private ServerProcess(Process process, Path log) throws Exception {
        this.process = process;
        this.log = log;
        this.port = Integer.parseInt(awaitLog(LISTENING).group(1));
    }

    /**
     * Starts {@code Main --config config} with {@code heap} (e.g. {@code -Xmx64m}); {@code descriptors}, when
     * above 0, is the process's open-file limit ({@code ulimit -n}).
     */
    static ServerProcess start(Path config, String heap, int descriptors) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        if (descriptors > 0) {
            command.addAll(List.of("bash", "-c", "ulimit -n " + descriptors + " && exec \"$@\"", "limited"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", heap, "-cp", classpath, Main.class.getName(),
                "--config", config.toString()));
        Path log = config.resolveSibling("server.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            return new ServerProcess(process, log);
        } catch (Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Waits up to 30 s for a line of the log; shows the log if the process dies first. */
    Matcher awaitLog(Pattern line) throws Exception {
        for (int i = 0; i < 300; i++) {
            String output = output();
            Matcher matcher = line.matcher(output);
            if (matcher.find()) {
                return matcher;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the server exited (" + process.exitValue() + "):\n" + output);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + line + "' within 30 s:\n" + output());
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
