package io.portcullis.core.config;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The {@code server} section: where the gateway listens and how it treats client connections.
 *
 * @param host the address to listen on
 * @param port the port (0: any free one)
 * @param backlog connections the kernel queues before the gateway accepts them
 * @param maxConnections client connections open at once; beyond it new ones get 503 and are closed. Empty: sized
 *     from the process's descriptor limit at start
 * @param headerTimeout how long a client has to send a complete request head: from the connection's start for the
 *     first request, from its first byte for later ones
 * @param idleTimeout how long a kept-alive connection may wait for its next request, and the longest pause in
 *     reading a request body or in taking an answer
 * @param maxHeaderBytes the largest request head (request line and header fields)
 * @param shutdownGracePeriod how long requests in flight may take to finish when the server stops
 * @param maxTunnelsPerUser WebSocket tunnels one user (or, on open routes, one client address) may hold open at
 *     once; the next handshake gets 429
 * @param tls whether {@code server.tls} is set (HTTPS); the server builds it from that section
 */
public record ServerSettings(String host, int port, int backlog, OptionalInt maxConnections, Duration headerTimeout,
        Duration idleTimeout, int maxHeaderBytes, Duration shutdownGracePeriod, int maxTunnelsPerUser, boolean tls) {

    static final Set<String> KEYS = Set.of("host", "port", "backlog", "max-tcp-connections", "header-timeout",
            "header-timeout-ms", "header-timeout-seconds", "idle-timeout", "idle-timeout-ms", "idle-timeout-seconds",
            "max-header-size", "shutdown-grace-period", "shutdown-grace-period-ms",
            "shutdown-grace-period-seconds", "max-tunnels-per-user", "tls");

    static ServerSettings read(ConfigNode node, ConfigReader reader) {
        reader.onlyKnownKeys(node, KEYS);
        String host = reader.string(node.get("host")).orElse("127.0.0.1");
        int port = reader.integer(node.get("port"), 8080, 0, 65535);
        int backlog = reader.integer(node.get("backlog"), 1024, 1, 65535);
        OptionalInt maxConnections = node.get("max-tcp-connections").exists()
                ? OptionalInt.of(reader.integer(node.get("max-tcp-connections"), 1, 1, 1_000_000))
                : OptionalInt.empty();
        Duration header = reader.duration(node, "header-timeout", Duration.ofSeconds(10));
        Duration idle = reader.duration(node, "idle-timeout", Duration.ofSeconds(60));
        Duration grace = reader.duration(node, "shutdown-grace-period", Duration.ofSeconds(10));
        if (header.isZero() || header.isNegative()) {
            reader.problem(node.get("header-timeout"), "must be greater than zero");
        }
        if (idle.isZero() || idle.isNegative()) {
            reader.problem(node.get("idle-timeout"), "must be greater than zero");
        }
        int maxHeader = reader.integer(node.get("max-header-size"), 32 * 1024, 1024, 1024 * 1024);
        int tunnels = reader.integer(node.get("max-tunnels-per-user"), 32, 1, 100_000);
        return new ServerSettings(host, port, backlog, maxConnections, header, idle, maxHeader, grace, tunnels,
                node.get("tls").exists());
    }
}
