package io.portcullis.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.Json;
import io.portcullis.core.User;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.InvalidTokenException;
import io.portcullis.core.token.TokenCodec;
import io.portcullis.core.token.TokenId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code token issue|inspect|revoke}, with the keys and the store a config names. */
@Command(name = "token",
        description = "Issue, inspect and revoke Portcullis tokens with a config's keys and store.")
final class TokenCommand {
    private final CommandContext context;

    @Spec
    private CommandSpec spec;

    TokenCommand(CommandContext context) {
        this.context = context;
    }

    @Command(name = "issue", description = {
        "Mint a token for USERNAME with the config's issuing key and print it on standard output (its id and "
            + "expiry go to standard error). The user must be in the config or its store; the token carries their "
            + "roles. This is the operator's own authority: no password, address or TOTP check."})
    int issue(@Option(names = "--config", paramLabel = "FILE", description = "the config (default: "
                    + "$PORTCULLIS_CONFIG)") Path configFile,
            @Parameters(paramLabel = "USERNAME") String username,
            @Option(names = "--ttl", paramLabel = "DURATION", description = "lifetime, e.g. 15m or 1h (default and "
                    + "most: tokens.ttl, as long as revocations are kept)") String ttlText) {
        GatewayConfig config = load(configFile, "issue");
        Duration ttl = config.tokens().ttl();
        if (ttlText != null) {
            try {
                ttl = ConfigLoader.parseDuration(ttlText);
            } catch (IllegalArgumentException e) {
                throw usage("issue", "--ttl " + e.getMessage());
            }
            if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(config.tokens().ttl()) > 0) {
                throw usage("issue", "--ttl must be between 1s and tokens.ttl (" + config.tokens().ttl().toSeconds()
                        + "s): revocations are kept only that long");
            }
        }
        List<String> roles = roles(config, username);
        Instant now = context.clock().instant();
        Claims claims = new Claims(username, TokenId.random(new SecureRandom()), now, now.plus(ttl), roles);
        String token = new TokenCodec(config.tokens().keyRing(), new SecureRandom()).mintAndEncode(claims);
        context.out().println(token);
        context.err().println("token " + claims.tokenId() + " for " + username + " (roles " + roles + "), expires "
                + claims.expiresAt());
        return PortcullisCli.OK;
    }

    @Command(name = "inspect", description = {
        "Verify a token with the config's keys (authenticity and expiry; revocation is not looked up) and print "
            + "its claims as JSON. Exit 1 if it does not verify.",
        "Pass the token on standard input rather than as an argument: arguments show in the process list."})
    int inspect(@Option(names = "--config", paramLabel = "FILE", description = "the config (default: "
                    + "$PORTCULLIS_CONFIG)") Path configFile,
            @Parameters(paramLabel = "TOKEN", arity = "0..1", description = "the token; absent or -: read from "
                    + "standard input") String given) {
        GatewayConfig config = load(configFile, "inspect");
        String token = given == null || given.equals("-") ? firstLine() : given.strip();
        Claims claims;
        try {
            claims = new TokenCodec(config.tokens().keyRing(), new SecureRandom())
                    .verifyAndDecode(token, context.clock().instant()).claims();
        } catch (InvalidTokenException e) {
            throw new CommandFailure("the token does not verify: " + e.getMessage());
        }
        ObjectNode json = Json.object()
                .put("subject", claims.subject())
                .put("token_id", claims.tokenId().value())
                .put("issued_at", claims.issuedAt().toString())
                .put("expires_at", claims.expiresAt().toString())
                .put("expires_in", Duration.between(context.clock().instant(), claims.expiresAt()).toSeconds());
        ArrayNode roles = json.putArray("roles");
        claims.roles().forEach(roles::add);
        context.out().println(json.toPrettyString());
        return PortcullisCli.OK;
    }

    /** One of a token id and a user. */
    static final class Which {
        @Option(names = "--token-id", paramLabel = "ID", required = true,
                description = "revoke this token (32 hex digits: x-token-id, logs, token inspect)")
        String tokenId;

        @Option(names = "--user", paramLabel = "USERNAME", required = true,
                description = "revoke every token this user holds now")
        String user;
    }

    @Command(name = "revoke", description = {
        "Revoke a token, or every token a user holds, in the config's store. Servers sharing a dynamodb store "
            + "refuse it within a second; stop a server using the embedded store first."})
    int revoke(@Option(names = "--config", paramLabel = "FILE", description = "the config (default: "
                    + "$PORTCULLIS_CONFIG)") Path configFile,
            @ArgGroup(multiplicity = "1") Which which) {
        TokenId id = null;
        if (which.tokenId != null) {
            try {
                id = new TokenId(which.tokenId.strip());
            } catch (IllegalArgumentException e) {
                throw usage("revoke", "--token-id: " + e.getMessage());
            }
        }
        GatewayConfig config = load(configFile, "revoke");
        Instant now = context.clock().instant();
        try (ConfiguredStore store = ConfiguredStore.open(config, context.clock())) {
            if (id != null) {
                store.revocations().revokeToken(id, now.plus(config.maxTokenLifetime()));
                context.out().println("revoked token " + id + " in " + store.description());
            } else {
                store.revocations().revokeIssuedUpTo(which.user, now);
                context.out().println("revoked every token of " + which.user + " issued up to " + now + " in "
                        + store.description());
            }
        }
        return PortcullisCli.OK;
    }

    private GatewayConfig load(Path given, String command) {
        Path file = context.configFile(given)
                .orElseThrow(() -> usage(command, "no configuration: give --config FILE or set PORTCULLIS_CONFIG"));
        return ConfigLoader.load(file, context.env());
    }

    /** The user's roles: from the config's users, else from its store. */
    private List<String> roles(GatewayConfig config, String username) {
        Optional<List<String>> listed = config.users().stream().filter(u -> u.username().equals(username))
                .findFirst().map(GatewayConfig.UserEntry::roles);
        if (listed.isPresent()) {
            return listed.get();
        }
        if (config.store().type() == GatewayConfig.StoreType.MEMORY) {
            throw new CommandFailure("no user '" + username + "' in the config (and store.type memory keeps none)");
        }
        try (ConfiguredStore store = ConfiguredStore.open(config, context.clock())) {
            return store.users().findUser(username).map(User::roles).orElseThrow(() -> new CommandFailure(
                    "no user '" + username + "' in the config or " + store.description()));
        }
    }

    private String firstLine() {
        try {
            String line = new BufferedReader(new InputStreamReader(context.in(), StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isBlank()) {
                throw new CommandFailure("no token: give it on standard input");
            }
            return line.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token from standard input", e);
        }
    }

    private ParameterException usage(String command, String message) {
        return new ParameterException(spec.subcommands().get(command), message);
    }
}
