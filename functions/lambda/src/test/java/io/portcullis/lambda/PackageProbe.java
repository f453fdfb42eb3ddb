package io.portcullis.lambda;

import io.portcullis.core.AuthResult;
import io.portcullis.core.Authenticated;
import io.portcullis.core.Gateway;
import io.portcullis.core.MapHeaders;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link PackageIT} on the deployment package's class path alone: loads a configuration whose route has a
 * PEM client certificate and key (Bouncy Castle's PEM reading) and whose JWT key is Ed25519 (Nimbus over Tink),
 * then verifies an Ed25519 JWT. Arguments: the YAML file, the JWT. Exit 0 when verified.
 */
public final class PackageProbe {
    private PackageProbe() {
    }

    public static void main(String[] args) throws Exception {
        GatewayConfig config = ConfigLoader.fromYaml(Files.readString(Path.of(args[0])), Map.of());
        Clock clock = Clock.systemUTC();
        try (Gateway gateway = Gateway.create(config, Gateway.Stores.inMemory(List.of(), clock), clock)) {
            AuthResult result = gateway.forward().checkAccess(MapHeaders.of("Authorization", "Bearer " + args[1]),
                    "/jwt/x");
            System.out.println(result instanceof Authenticated ? "verified" : "refused: " + result);
            System.exit(result instanceof Authenticated ? 0 : 1);
        }
    }
}
