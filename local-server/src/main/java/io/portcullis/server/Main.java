package io.portcullis.server;

import io.helidon.logging.common.LogConfig;
import io.portcullis.core.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code java -jar portcullis-server.jar --config FILE}; the {@code PORTCULLIS_CONFIG} environment variable names
 * the file when {@code --config} is absent.
 */
public final class Main {
    static final String USAGE = """
            Usage: java -jar portcullis-server.jar --config FILE

              --config FILE   the YAML configuration (default: $PORTCULLIS_CONFIG)
              --help          this text

            Any config key can be overridden by an environment variable: SERVER_PORT=9090,
            RATE_dash_LIMITS_PROXY_BURST=50 (see README.md).
            """;

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Map<String, String> env = System.getenv();
        Path config;
        try {
            config = configFile(args, env);
        } catch (IllegalArgumentException e) {
            System.err.println("portcullis: " + e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.print(USAGE);
            return;
        }
        try {
            PortcullisServer server = PortcullisServer.start(config, env);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "portcullis-shutdown"));
        } catch (ConfigException e) {
            System.err.println("portcullis: cannot start, " + e.getMessage());
            System.exit(2);
        }
    }

    /** The config file from the arguments or the environment; {@code null} when only help was asked for. */
    static Path configFile(String[] args, Map<String, String> env) {
        String file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--config needs a file");
                    }
                    file = args[++i];
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (file == null) {
            file = env.get("PORTCULLIS_CONFIG");
        }
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("no configuration: give --config FILE or set PORTCULLIS_CONFIG");
        }
        return Path.of(file);
    }
}
