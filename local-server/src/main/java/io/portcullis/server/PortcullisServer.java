package io.portcullis.server;

import io.portcullis.core.config.ConfigNode;
import io.portcullis.core.ConfiguredUsers;
import io.portcullis.core.Gateway;
import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.ConfigRewrite;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.password.Passwords;
import io.portcullis.infra.UpstreamClient;
import io.portcullis.infra.jwks.HttpJwksFetcher;
import io.portcullis.server.edge.EdgeServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway as one process: loads the config (hashing plaintext passwords into it), builds the stores
 * and the core, and serves. Also starts the demo backend when the config asks for one.
 */
public final class PortcullisServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PortcullisServer.class.getName());

    private final ServerStores stores;
    private final CurrentGateway gateway;
    private final EdgeServer server;
    private final UpstreamClient upstream;
    private final Optional<EdgeServer> demoBackend;
    private final ConfigReload reload;
    private final Optional<ConfigWatcher> watcher;
    private final ServerTelemetry telemetry;

    private PortcullisServer(ServerStores stores, CurrentGateway gateway, EdgeServer server, UpstreamClient upstream,
            Optional<EdgeServer> demoBackend, ConfigReload reload, Optional<ConfigWatcher> watcher,
            ServerTelemetry telemetry) {
        this.stores = stores;
        this.gateway = gateway;
        this.server = server;
        this.upstream = upstream;
        this.demoBackend = demoBackend;
        this.reload = reload;
        this.watcher = watcher;
        this.telemetry = telemetry;
    }

    /**
     * Starts the gateway from {@code configFile}, with {@code env} as environment variables.
     *
     * @throws ConfigException naming every problem, when the configuration cannot be used
     */
    public static PortcullisServer start(Path configFile, Map<String, String> env) {
        return start(ConfigFiles.yaml(configFile, env));
    }

    /**
     * Starts the gateway from ProxyAuth's own {@code config.json} and {@code routes.yml}, read unchanged; what
     * they cannot mean here is logged as a warning, naming the key.
     *
     * @throws ConfigException naming every problem, each with its ProxyAuth file and key
     */
    public static PortcullisServer startProxyAuth(Path configJson, Path routesYml, Map<String, String> env) {
        return start(ConfigFiles.proxyAuth(configJson, routesYml, env));
    }

    /** Starts from {@code files}, and reloads them on change (and on {@link #reload}). */
    private static PortcullisServer start(ConfigFiles files) {
        ConfigFiles.Loaded loaded = files.load();
        loaded.warnings().forEach(warning -> LOG.log(System.Logger.Level.WARNING, warning));
        ConfigNode config = loaded.root();
        GatewayConfig gatewayConfig = loaded.config();
        Clock clock = Clock.systemUTC();
        GatewayMetrics metrics = GatewayMetrics.create();
        ServerStores stores = ServerStores.open(gatewayConfig, List.of(), metrics, clock);
        try {
            // Against the store: a plaintext password its stored hash still verifies (one from an environment
            // variable, read again at every start) keeps that hash, so a restart logs nobody out.
            ConfigRewrite.Applied applied = loaded.rewrite().apply(new Passwords(gatewayConfig.passwords().argon2()),
                    stores.stores().users());
            applied.written().forEach(line -> LOG.log(System.Logger.Level.INFO, line));
            ConfiguredUsers.seed(applied.users(), stores.stores().users(), stores.stores().revocations(), clock);
        } catch (RuntimeException e) {
            stores.close();
            throw e;
        }
        CurrentGateway gateway = new CurrentGateway(Gateway.create(gatewayConfig, stores.stores(),
                new HttpJwksFetcher(gatewayConfig.jwt().jwksTimeout()), clock));
        ServerTelemetry telemetry = new ServerTelemetry(gatewayConfig, metrics,
                LogSink.open(gatewayConfig.log(), metrics), () -> gateway.get().trustedProxies(), clock);
        Optional<EdgeServer> demo = config.get("demo-backend").exists()
                ? Optional.of(DemoBackend.start(config.get("demo-backend.host").asString().orElse("127.0.0.1"),
                        config.get("demo-backend.port").asString().map(Integer::parseInt).orElse(9000)))
                : Optional.empty();
        String storeType = gatewayConfig.store().type().name().toLowerCase(java.util.Locale.ROOT);
        // Made once the server has started (it needs the grace period the server settled on); health asks it then.
        AtomicReference<ConfigReload> reloads = new AtomicReference<>();
        UpstreamClient upstream = new UpstreamClient(gatewayConfig.upstream());
        Observe observe = new Observe(List.of(new StoreReadiness(storeType, stores::problem),
                new ConfigHealth(() -> Optional.ofNullable(reloads.get()).flatMap(ConfigReload::refusedSince))),
                metrics);
        EdgeServer server;
        try {
            server = EdgeServer.start(gatewayConfig.server(), ServerTls.context(config.get("server.tls")),
                    new GatewayHandler(gateway, upstream, telemetry, observe,
                            gatewayConfig.server().maxTunnelsPerUser()), metrics.connectionEvents());
        } catch (IOException e) {
            stores.close();
            throw new ConfigException("server.port: cannot listen on " + gatewayConfig.server().host() + ":"
                    + gatewayConfig.server().port() + " (" + e.getMessage() + ")");
        }
        LOG.log(System.Logger.Level.INFO, "Portcullis listening on " + (server.hasTls() ? "https" : "http")
                + "://" + gatewayConfig.server().host() + ":" + server.port() + " with "
                + gatewayConfig.routes().size() + " route(s), store " + storeType + ", at most "
                + server.maxConnections() + " client connections");
        ConfigReload reload = new ConfigReload(files, loaded, gateway, stores.stores(),
                gatewayConfig.server().shutdownGracePeriod(), telemetry.audit(), clock);
        reloads.set(reload);
        return new PortcullisServer(stores, gateway, server, upstream, demo, reload, ConfigWatcher.start(reload),
                telemetry);
    }

    /**
     * Reads the configuration files again and applies them ({@link ConfigReload}): what SIGHUP does. An invalid
     * configuration is refused, logged, and the running one stays.
     */
    public ConfigReload.Outcome reload(String trigger) {
        return reload.reload(trigger);
    }

    /** How many reloads were applied since the start. */
    int reloadsApplied() {
        return reload.applied();
    }

    public int port() {
        return server.port();
    }

    public Optional<Integer> demoBackendPort() {
        return demoBackend.map(EdgeServer::port);
    }

    /** The audit log, for events the server sees outside a request (configuration reloads, say). */
    public AuditLog audit() {
        return telemetry.audit();
    }

    /** Stops accepting connections, lets requests in flight finish (up to the grace period), then stops. */
    @Override
    public void close() {
        reload.close();
        watcher.ifPresent(ConfigWatcher::close);
        server.close();
        upstream.close();
        demoBackend.ifPresent(EdgeServer::close);
        gateway.close();
        stores.close();
        telemetry.close();
    }
}
