package io.portcullis.server.cli;

import io.portcullis.core.config.ConfigException;
import io.portcullis.server.PortcullisServer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Starts the gateway and returns; the server's own threads keep the process alive until SIGTERM. The default
 * command: {@code java -jar portcullis-server.jar --config FILE} means {@code serve --config FILE}.
 */
@Command(name = "serve", description = "Run the gateway (the default command).", sortOptions = false,
        footer = {"", "Any config key can be overridden by an environment variable: SERVER_PORT=9090,",
            "RATE_dash_LIMITS_PROXY_BURST=50 (see README.md). A config problem stops startup with exit code 2."})
final class ServeCommand implements Callable<Integer> {
    private final CommandContext context;
    private final boolean stopOnShutdown;
    private Optional<PortcullisServer> server = Optional.empty();

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "the YAML configuration (default: "
            + "$PORTCULLIS_CONFIG)")
    private Path config;

    @Option(names = "--proxyauth-config", paramLabel = "FILE",
            description = "ProxyAuth's config.json, read unchanged (with --proxyauth-routes)")
    private Path proxyAuthConfig;

    @Option(names = "--proxyauth-routes", paramLabel = "FILE", description = "ProxyAuth's routes.yml")
    private Path proxyAuthRoutes;

    /** @param stopOnShutdown whether a JVM shutdown hook stops the server (the real process; tests close it) */
    ServeCommand(CommandContext context, boolean stopOnShutdown) {
        this.context = context;
        this.stopOnShutdown = stopOnShutdown;
    }

    @Override
    public Integer call() {
        if (proxyAuthConfig != null || proxyAuthRoutes != null) {
            if (proxyAuthConfig == null || proxyAuthRoutes == null || config != null) {
                throw new ParameterException(spec.commandLine(),
                        "give --proxyauth-config and --proxyauth-routes together, without --config");
            }
        }
        Optional<Path> file = context.configFile(config);
        if (proxyAuthConfig == null && file.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "no configuration: give --config FILE or set PORTCULLIS_CONFIG");
        }
        PortcullisServer started;
        try {
            started = proxyAuthConfig == null ? PortcullisServer.start(file.get(), context.env())
                    : PortcullisServer.startProxyAuth(proxyAuthConfig, proxyAuthRoutes, context.env());
        } catch (ConfigException e) {
            context.err().println("portcullis: cannot start, " + e.getMessage());
            return PortcullisCli.USAGE;
        }
        server = Optional.of(started);
        if (stopOnShutdown) {
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "portcullis-shutdown"));
        }
        return PortcullisCli.OK;
    }

    /** The server this command started, if it ran and started one. */
    Optional<PortcullisServer> server() {
        return server;
    }
}
