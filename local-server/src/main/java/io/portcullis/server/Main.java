package io.portcullis.server;

import io.helidon.logging.common.LogConfig;
import io.portcullis.server.cli.PortcullisCli;

/**
 * {@code java -jar portcullis-server.jar [COMMAND] ...}: {@code serve} (the default, so
 * {@code --config FILE} alone runs the gateway), {@code hash-password}, {@code users}, {@code token},
 * {@code config check}; {@code --help} lists them. See {@link PortcullisCli}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        PortcullisCli cli = PortcullisCli.ofSystem();
        int code = cli.execute(args);
        // A started server keeps the process alive on its own threads; every other command ends it here, since
        // the stores it opened (DynamoDB Local, SDK clients) may leave threads behind.
        if (code != PortcullisCli.OK || cli.server().isEmpty()) {
            System.exit(code);
        }
        // systemd's ExecReload (and any operator) reloads the configuration with SIGHUP instead of stopping it.
        cli.server().ifPresent(server -> ReloadSignal.install(() -> server.reload("SIGHUP")));
    }
}
