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
                   java -jar portcullis-server.jar --proxyauth-config config.json --proxyauth-routes routes.yml

              --config FILE              the YAML configuration (default: $PORTCULLIS_CONFIG)
              --proxyauth-config FILE    ProxyAuth's config.json, read unchanged (with --proxyauth-routes)
              --proxyauth-routes FILE    ProxyAuth's routes.yml
              --help                     this text

            Any config key can be overridden by an environment variable: SERVER_PORT=9090,
            RATE_dash_LIMITS_PROXY_BURST=50 (see README.md).
            """;

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Map<String, String> env = System.getenv();
        Files files;
        try {
            files = files(args, env);
        } catch (IllegalArgumentException e) {
            System.err.println("portcullis: " + e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
            return;
        }
        if (files == null) {
            System.out.print(USAGE);
            return;
        }
        try {
            PortcullisServer server = files.config() != null ? PortcullisServer.start(files.config(), env)
                    : PortcullisServer.startProxyAuth(files.proxyAuthConfig(), files.proxyAuthRoutes(), env);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "portcullis-shutdown"));
            ReloadSignal.install(() -> server.reload("SIGHUP"));
        } catch (ConfigException e) {
            System.err.println("portcullis: cannot start, " + e.getMessage());
            System.exit(2);
        }
    }

    /** What to start from: a Portcullis YAML file, or ProxyAuth's two files. */
    record Files(Path config, Path proxyAuthConfig, Path proxyAuthRoutes) {
    }

    /** The files from the arguments or the environment; {@code null} when only help was asked for. */
    static Files files(String[] args, Map<String, String> env) {
        java.util.Map<String, String> given = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--config", "--proxyauth-config", "--proxyauth-routes" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(args[i] + " needs a file");
                    }
                    given.put(args[i], args[++i]);
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        String paConfig = given.get("--proxyauth-config");
        String paRoutes = given.get("--proxyauth-routes");
        if (paConfig != null || paRoutes != null) {
            if (paConfig == null || paRoutes == null || given.containsKey("--config")) {
                throw new IllegalArgumentException("give --proxyauth-config and --proxyauth-routes together, "
                        + "without --config");
            }
            return new Files(null, Path.of(paConfig), Path.of(paRoutes));
        }
        return new Files(configFile(given.get("--config"), env), null, null);
    }

    private static Path configFile(String file, Map<String, String> env) {
        if (file == null) {
            file = env.get("PORTCULLIS_CONFIG");
        }
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("no configuration: give --config FILE or set PORTCULLIS_CONFIG");
        }
        return Path.of(file);
    }
}
