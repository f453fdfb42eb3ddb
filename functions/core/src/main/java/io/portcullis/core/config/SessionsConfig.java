package io.portcullis.core.config;

import io.portcullis.core.config.GatewayConfig.SessionStoreType;
import io.portcullis.core.config.GatewayConfig.Sessions;
import io.portcullis.core.config.GatewayConfig.StoreType;
import io.portcullis.core.session.AesGcmCredentials;
import io.portcullis.core.session.Base64Credentials;
import io.portcullis.core.session.CredentialFormat;
import io.portcullis.core.session.CredentialKey;
import io.portcullis.core.token.SecretBytes;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code sessions} section. The Redis URI may hold a password, so no problem ever quotes it.
 */
final class SessionsConfig {
    static final Set<String> KEYS = Set.of("store", "redis-uri", "connect-timeout", "connect-timeout-ms",
            "connect-timeout-seconds", "read-timeout", "read-timeout-ms", "read-timeout-seconds", "pool-size",
            "format", "keys");

    private SessionsConfig() {
    }

    static Sessions read(ConfigNode node, StoreType storeType, ConfigReader reader) {
        reader.onlyKnownKeys(node, KEYS);
        SessionStoreType defaultStore = storeType == StoreType.MEMORY ? SessionStoreType.MEMORY
                : SessionStoreType.DYNAMODB;
        SessionStoreType store = reader.parsed(node.get("store"), text -> {
            try {
                return SessionStoreType.valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be memory, dynamodb or redis");
            }
        }).orElse(defaultStore);
        if (store == SessionStoreType.DYNAMODB && storeType == StoreType.MEMORY) {
            reader.problem(node.get("store"), "dynamodb needs store.type embedded or dynamodb (its sessions table)");
        }
        Optional<URI> redisUri = reader.parsed(node.get("redis-uri"), SessionsConfig::redisUri);
        if (store == SessionStoreType.REDIS && redisUri.isEmpty() && !node.get("redis-uri").exists()) {
            reader.problem(node.get("redis-uri"), "is required with store: redis (e.g. redis://127.0.0.1:6379/0)");
        } else if (store != SessionStoreType.REDIS && node.get("redis-uri").exists()) {
            reader.problem(node.get("redis-uri"), "only applies to store: redis");
        }
        Duration connect = reader.duration(node, "connect-timeout", Duration.ofSeconds(1));
        Duration read = reader.duration(node, "read-timeout", Duration.ofSeconds(1));
        if (connect.isZero() || read.isZero() || connect.compareTo(Duration.ofMinutes(1)) > 0
                || read.compareTo(Duration.ofMinutes(1)) > 0) {
            reader.problem(node, "connect-timeout and read-timeout must be above zero and at most 1 minute");
        }
        int poolSize = reader.integer(node.get("pool-size"), 16, 1, 1024);
        Optional<CredentialFormat> format = node.exists() ? format(node, reader) : Optional.empty();
        return new Sessions(store, redisUri, connect, read, poolSize, format);
    }

    private static Optional<CredentialFormat> format(ConfigNode node, ConfigReader reader) {
        String format = reader.string(node.get("format")).orElse("aes-gcm");
        List<ConfigNode> keyNodes = reader.nodes(node.get("keys"));
        switch (format) {
            case "base64" -> {
                if (!keyNodes.isEmpty()) {
                    reader.problem(node.get("keys"), "format base64 takes no keys (credentials are stored readable)");
                }
                return Optional.of(new Base64Credentials());
            }
            case "aes-gcm" -> {
                List<CredentialKey> keys = new ArrayList<>();
                Set<String> ids = new HashSet<>();
                for (ConfigNode keyNode : keyNodes) {
                    reader.onlyKnownKeys(keyNode, Set.of("id", "key"));
                    Optional<String> id = reader.requiredString(keyNode.get("id"));
                    Optional<String> key = reader.requiredString(keyNode.get("key"));
                    if (id.isEmpty() || key.isEmpty()) {
                        continue;
                    }
                    if (!ids.add(id.get())) {
                        reader.problem(keyNode.get("id"), "key id '" + id.get() + "' is configured twice");
                        continue;
                    }
                    try {
                        keys.add(CredentialKey.fromBase64(id.get(),
                                SecretBytes.copyOf(key.get().strip().getBytes(StandardCharsets.US_ASCII))));
                    } catch (IllegalArgumentException e) {
                        reader.problem(keyNode.get(e.getMessage().startsWith("a credential key id") ? "id" : "key"),
                                e.getMessage());
                    }
                }
                if (keys.isEmpty()) {
                    if (reader.problems().stream().noneMatch(p -> p.startsWith("sessions.keys"))) {
                        reader.problem(node.get("keys"), "format aes-gcm needs at least one key, e.g. "
                                + "{ id: c1, key: \"${PORTCULLIS_CREDENTIALS_KEY}\" } (openssl rand -base64 32)");
                    }
                    return Optional.empty();
                }
                return Optional.of(new AesGcmCredentials(keys, new SecureRandom()));
            }
            default -> {
                reader.problem(node.get("format"), "must be aes-gcm or base64");
                return Optional.empty();
            }
        }
    }

    private static URI redisUri(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URI such as redis://127.0.0.1:6379/0");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") || uri.getHost() == null) {
            throw new IllegalArgumentException("must be redis://host[:port][/db] or rediss://… (TLS)");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,5}")) {
            throw new IllegalArgumentException("the path, if any, is the database number (/0, /1, …)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must not have a query or fragment");
        }
        return uri;
    }
}
