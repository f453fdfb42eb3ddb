package io.portcullis.server.cli;

import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.config.ProxyAuthFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code config check}: validates a configuration as the server would at startup, without starting anything. */
@Command(name = "config", description = "Check configuration files.")
final class ConfigCommand {
    private final CommandContext context;

    @Spec
    private CommandSpec spec;

    ConfigCommand(CommandContext context) {
        this.context = context;
    }

    @Command(name = "check", description = {
        "Validate FILE as the server does at startup (environment overrides and ${VAR} references included) and "
            + "print every problem, each naming its key; exit 1 if there is any, else 0 with a summary.",
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
        GatewayConfig config;
        List<String> warnings = List.of();
        try {
            if (proxyAuth) {
                ProxyAuthFiles.Loaded loaded = ProxyAuthFiles.load(paConfig, paRoutes, context.env());
                config = loaded.config();
                warnings = loaded.warnings();
            } else {
                config = ConfigLoader.load(file, context.env());
            }
        } catch (ConfigException e) {
            context.err().println(named + ": " + e.problems().size() + " problem"
                    + (e.problems().size() == 1 ? "" : "s") + ":");
            e.problems().forEach(problem -> context.err().println("  - " + problem));
            return PortcullisCli.FAILED;
        }
        warnings.forEach(warning -> context.err().println("warning: " + warning));
        long plaintext = config.users().stream().filter(user -> !user.hashed()).count();
        context.out().println(named + ": ok: " + config.routes().size() + " route(s), " + config.users().size()
                + " user(s)" + (plaintext == 0 ? "" : " (" + plaintext + " with a plaintext password, hashed "
                        + "into the file at first start)")
                + ", store " + config.store().type().name().toLowerCase(Locale.ROOT));
        return PortcullisCli.OK;
    }
}
