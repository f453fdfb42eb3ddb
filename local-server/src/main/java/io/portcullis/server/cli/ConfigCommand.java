package io.portcullis.server.cli;

import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.server.ConfigFiles;
import io.portcullis.server.ServerTls;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code config check}: loads a configuration the way {@code serve} does ({@link ConfigFiles}, the rewrite of the
 * files planned but not written), without starting, hashing or opening anything.
 */
@Command(name = "config", description = "Check configuration files.")
final class ConfigCommand {
    private final CommandContext context;

    @Spec
    private CommandSpec spec;

    ConfigCommand(CommandContext context) {
        this.context = context;
    }

    @Command(name = "check", description = {
        "Load FILE as the server does at startup (environment overrides and ${VAR} references included) and "
            + "print every problem, each naming its key; exit 1 if there is any, else 0 with a summary, the "
            + "warnings a start would log, and what a start would write into the file.",
        "Nothing is started, written or connected to: plaintext passwords stay, the store is not opened."})
    int check(@Parameters(paramLabel = "FILE", arity = "0..1", description = "the YAML configuration") Path file,
            @Option(names = "--proxyauth-config", paramLabel = "FILE",
                    description = "check ProxyAuth's config.json instead (with --proxyauth-routes)") Path paConfig,
            @Option(names = "--proxyauth-routes", paramLabel = "FILE", description = "ProxyAuth's routes.yml")
            Path paRoutes) {
        boolean proxyAuth = paConfig != null || paRoutes != null;
        if (proxyAuth == (file != null) || (proxyAuth && (paConfig == null || paRoutes == null))) {
            throw new ParameterException(spec.subcommands().get("check"),
                    "give FILE, or --proxyauth-config and --proxyauth-routes");
        }
        Path named = proxyAuth ? paConfig : file;
        ConfigFiles files = proxyAuth ? ConfigFiles.proxyAuth(paConfig, paRoutes, context.env())
                : ConfigFiles.yaml(file, context.env());
        ConfigFiles.Loaded loaded;
        try {
            loaded = files.load();
            // The listener's key and certificate, read as a start reads them.
            ServerTls.context(loaded.root().get("server.tls"));
        } catch (ConfigException e) {
            context.err().println(named + ": " + e.problems().size() + " problem"
                    + (e.problems().size() == 1 ? "" : "s") + ":");
            e.problems().forEach(problem -> context.err().println("  - " + problem));
            return PortcullisCli.FAILED;
        }
        loaded.warnings().forEach(warning -> context.err().println("warning: " + warning));
        GatewayConfig config = loaded.config();
        context.out().println(named + ": ok: " + config.routes().size() + " route(s), " + config.users().size()
                + " user(s), store " + config.store().type().name().toLowerCase(Locale.ROOT));
        List<String> pending = loaded.rewrite().pending();
        if (!pending.isEmpty()) {
            context.out().println("a start writes into " + loaded.rewrite().file() + ":");
            pending.forEach(line -> context.out().println("  - " + line));
        }
        return PortcullisCli.OK;
    }
}
