package io.portcullis.server;

import io.portcullis.core.config.ConfigNode;
import io.portcullis.core.ConfiguredUsers;
import io.portcullis.core.Gateway;
import io.portcullis.core.User;
import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.ConfigRewrite;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.password.Passwords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reloads the configuration into a running server: reads the files again, and if they are valid, builds a new
 * gateway from them on the same stores and swaps it in ({@link CurrentGateway}); users are written into the store
 * as at startup (plaintext passwords hashed and the file rewritten; a plaintext password the stored hash still
 * verifies keeps that hash, so reading it again logs nobody out), and users the old configuration listed and the
 * new one does not are removed. An invalid configuration is refused with an error naming each problem's key, and
 * the running one stays in force.
 *
 * <p>What a process sets up once stays until a restart, and a change to it is logged, naming the key: the
 * {@code server} section (address, TLS, limits), {@code store}, {@code sessions}, {@code upstream},
 * {@code demo-backend}, and the token lifetimes ({@code tokens.ttl}, {@code jwt.max-lifetime}; the store keeps
 * revocations as long as they say). Everything else is applied: routes, users, rate limits, token keys, JWT, CORS,
 * browser, TOTP, trusted proxies, identity headers, passwords, proxyauth.
 *
 * <p>Reloads run one at a time. Each remembers a digest of the files it read (after its own rewrite of them), so
 * the file watcher reloads only when their content changed: rewriting hashed passwords does not reload again.
 */
final class ConfigReload {
    /** What became of a reload. */
    enum Outcome { APPLIED, REFUSED }

    private static final System.Logger LOG = System.getLogger(ConfigReload.class.getName());
    private static final List<String> RESTART_SECTIONS = List.of("server", "store", "sessions", "upstream",
            "demo-backend", "log");

    private final ConfigFiles files;
    private final CurrentGateway current;
    private final Gateway.Stores stores;
    private final Duration grace;
    private final AuditLog audit;
    private final Clock clock;
    private ConfigNode runningRoot;
    private List<Path> watched;
    private byte[] digest;
    private int applied;
    private Optional<Instant> refusedSince = Optional.empty();
    private boolean closed;

    /** @param loaded what the running gateway was built from; @param grace how long a replaced gateway lives on */
    ConfigReload(ConfigFiles files, ConfigFiles.Loaded loaded, CurrentGateway current, Gateway.Stores stores,
            Duration grace, AuditLog audit, Clock clock) {
        this.files = files;
        this.audit = audit;
        this.current = current;
        this.stores = stores;
        this.grace = grace;
        this.clock = clock;
        this.runningRoot = loaded.root();
        this.watched = loaded.watched();
        this.digest = digest(watched);
    }

    /** The files a change of which should reload the configuration. */
    synchronized List<Path> watched() {
        return watched;
    }

    /** How many reloads were applied. */
    synchronized int applied() {
        return applied;
    }

    /** Since when the files on disk have been refused (the running configuration is older); empty when they are in force. */
    synchronized Optional<Instant> refusedSince() {
        return refusedSince;
    }

    /** Reloads if the watched files' content differs from what the last load read. */
    synchronized void reloadIfChanged() {
        if (!closed && !MessageDigest.isEqual(digest, digest(watched))) {
            reload("a file changed");
        }
    }

    /**
     * Reads the configuration again and applies it, or keeps the running one if it is invalid.
     *
     * <p>The digest remembered is of the files as this reload left them, after its own rewrite of hashed
     * passwords: an edit made in the moment between reading and rewriting them waits for the next change.
     */
    synchronized Outcome reload(String trigger) {
        if (closed) {
            return Outcome.REFUSED;
        }
        Gateway next = null;
        try {
            ConfigFiles.Loaded loaded;
            try {
                loaded = files.load();
            } finally {
                digest = digest(watched);
            }
            // The files this configuration names are watched from now on, whether it is applied or not: a fix
            // to a newly named routes file must reload too.
            watched = union(watched, loaded.watched());
            digest = digest(watched);
            loaded.warnings().forEach(warning -> LOG.log(System.Logger.Level.WARNING, warning));
            GatewayConfig running = current.get().config();
            GatewayConfig config = loaded.config().reloadedOver(running);
            if (config.maxTokenLifetime().compareTo(running.maxTokenLifetime()) > 0) {
                throw new ConfigException("jwt: accepting JWTs would let tokens live up to "
                        + config.maxTokenLifetime() + " while revocations are kept for " + running.maxTokenLifetime()
                        + "; restart to turn JWT verification on");
            }
            ConfigRewrite.Applied rewritten = loaded.rewrite().apply(new Passwords(config.passwords().argon2()),
                    stores.users());
            rewritten.written().forEach(line -> LOG.log(System.Logger.Level.INFO, line));
            List<User> users = rewritten.users();
            watched = loaded.watched();
            digest = digest(watched);
            next = current.get().reconfigured(config);
            ConfiguredUsers.reseed(running.users().stream().map(GatewayConfig.UserEntry::username).toList(), users,
                    stores.users(), stores.revocations(), clock);
            current.replace(next, grace);
            restartOnlyChanges(runningRoot, loaded.root(), running, loaded.config()).forEach(key -> LOG.log(
                    System.Logger.Level.WARNING, "config reload: " + key + " changed; it takes effect at the next "
                            + "restart"));
            runningRoot = loaded.root();
            applied++;
            refusedSince = Optional.empty();
            LOG.log(System.Logger.Level.INFO, "configuration reloaded (" + trigger + "): " + config.routes().size()
                    + " route(s), " + users.size() + " configured user(s)");
            audit.configReload(trigger, true, Optional.empty());
            return Outcome.APPLIED;
        } catch (ConfigException e) {
            LOG.log(System.Logger.Level.ERROR, "config reload (" + trigger + ") refused, the running configuration "
                    + "stays in force: " + e.getMessage());
            audit.configReload(trigger, false, Optional.of(e.getMessage()));
            refusedSince = refusedSince.or(() -> Optional.of(clock.instant()));
            return Outcome.REFUSED;
        } catch (RuntimeException e) {
            if (next != null && current.get() != next) {
                next.close();
            }
            LOG.log(System.Logger.Level.ERROR, "config reload (" + trigger + ") failed, the running configuration "
                    + "stays in force", e);
            audit.configReload(trigger, false, Optional.of("internal error: " + e.getClass().getSimpleName()));
            refusedSince = refusedSince.or(() -> Optional.of(clock.instant()));
            return Outcome.REFUSED;
        }
    }

    /** No reload after this (the server is stopping). */
    synchronized void close() {
        closed = true;
    }

    /** The keys, in the sections only a restart applies, whose values differ; values are not named (secrets). */
    static Set<String> restartOnlyChanges(ConfigNode before, ConfigNode after, GatewayConfig running, GatewayConfig fresh) {
        Set<String> changed = new TreeSet<>();
        for (String section : RESTART_SECTIONS) {
            Map<String, String> old = leaves(before.get(section));
            Map<String, String> now = leaves(after.get(section));
            Set<String> keys = new TreeSet<>(old.keySet());
            keys.addAll(now.keySet());
            keys.stream().filter(key -> !Objects.equals(old.get(key), now.get(key))).forEach(changed::add);
        }
        if (!running.tokens().ttl().equals(fresh.tokens().ttl())) {
            changed.add("tokens.ttl");
        }
        if (!running.tokens().refresh().equals(fresh.tokens().refresh())) {
            changed.add("tokens.refresh");
        }
        if (!running.jwt().maxLifetime().equals(fresh.jwt().maxLifetime())) {
            changed.add("jwt.max-lifetime");
        }
        return changed;
    }

    private static Map<String, String> leaves(ConfigNode node) {
        if (!node.exists()) {
            return Map.of();
        }
        Map<String, String> values = new HashMap<>();
        (node.isLeaf() ? java.util.stream.Stream.of(node) : node.traverse().filter(ConfigNode::isLeaf))
                .forEach(leaf -> values.put(leaf.key(), leaf.asString().orElse("")));
        return values;
    }

    private static List<Path> union(List<Path> a, List<Path> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).distinct().collect(Collectors.toList());
    }

    /** SHA-256 over the files' paths and contents (a missing file counts as such). */
    private static byte[] digest(List<Path> paths) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path path : paths) {
                sha.update(path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try {
                    sha.update((byte) 1);
                    sha.update(Files.readAllBytes(path));
                } catch (NoSuchFileException e) {
                    sha.update((byte) 0);
                } catch (IOException e) {
                    sha.update((byte) 2);
                }
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
