package io.portcullis.server;

import io.portcullis.server.cli.PortcullisCli;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** Runs the command line in-process, with {@code stdin} as standard input and no terminal. */
final class Cli {
    /** What one command did. */
    record Run(int code, String out, String err, PortcullisCli cli) {
        /** Output and messages together, for "never printed" checks. */
        String all() {
            return out + err;
        }
    }

    private Cli() {
    }

    static Run run(String stdin, String... args) {
        return run(Clock.systemUTC(), Map.of(), stdin, args);
    }

    static Run run(Clock clock, Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PortcullisCli cli = new PortcullisCli(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out), new PrintWriter(err), Optional.empty(), clock, false);
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString(), cli);
    }
}
