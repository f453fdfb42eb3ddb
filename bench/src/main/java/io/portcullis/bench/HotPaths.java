package io.portcullis.bench;

import io.portcullis.core.ForwardDecision;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Gateway;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.MapHeaders;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.limit.Gcra;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.net.IpLiteral;
import io.portcullis.core.port.KeyRing;
import io.portcullis.core.route.CanonicalPath;
import io.portcullis.core.route.Route;
import io.portcullis.core.route.RouteTable;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.InvalidTokenException;
import io.portcullis.core.token.TokenCodec;
import io.portcullis.core.token.TokenId;
import io.portcullis.core.token.VerifiedToken;
import java.io.ByteArrayInputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The gateway's per-request work, one operation per benchmark, on one thread: opening a token (a new one, and one
 * the codec already knows), a GCRA decision, matching a route (canonical path included), and building a forwarding
 * plan (the header rewrite) for an authenticated request. Throughput in operations per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotPaths {
    /** Not a secret: a key for benchmark tokens only. */
    private static final String YAML = """
            tokens: { keys: [ { id: bench, secret: "bench-only-not-a-secret-0123456789-abcdefghijklmnopq" } ] }
            passwords: { argon2: { memory-kib: 64, iterations: 1, parallelism: 1 }, threads: 1 }
            store: { type: memory }
            rate-limits: { proxy: { requests-per-second: 0 } }
            routes:
            %s
            """;

    private KeyRing keys;
    private SecureRandom random;
    private TokenCodec codec;
    private String token;
    private Instant now;
    private RateLimit limit;
    private Gcra.State state;
    private long nowNanos;
    private RouteTable routes;
    private Gateway gateway;
    private GatewayRequest request;

    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder routeYaml = new StringBuilder();
        for (String prefix : List.of("/", "/api", "/api/v1", "/api/v2", "/admin", "/static", "/auth-proxy", "/billing",
                "/billing/invoices", "/search", "/users", "/users/me", "/files", "/files/upload", "/reports",
                "/metrics-proxy", "/orders", "/orders/archive", "/catalog", "/catalog/items")) {
            routeYaml.append("  - { prefix: \"").append(prefix).append("\", target: \"http://127.0.0.1:9000\" }\n");
        }
        GatewayConfig config = ConfigLoader.fromYaml(YAML.formatted(routeYaml), Map.of());
        random = new SecureRandom();
        keys = config.tokens().keyRing();
        codec = new TokenCodec(keys, random);
        now = Instant.now();
        token = codec.mintAndEncode(new Claims("alice", TokenId.random(random), now, now.plus(Duration.ofHours(1)),
                List.of("admin", "ops")));
        limit = new RateLimit(1000, 100, Duration.ZERO);
        nowNanos = Gcra.epochNanos(now);
        state = new Gcra.State(nowNanos + 10_000_000L, 0);
        routes = new RouteTable(config.routes());
        gateway = Gateway.create(config, Gateway.Stores.inMemory(List.of(), Clock.systemUTC()), Clock.systemUTC());
        MapHeaders headers = MapHeaders.of("Host", "gateway.example", "Authorization", "Bearer " + token,
                "User-Agent", "wrk", "Accept", "*/*", "Connection", "keep-alive", "X-User", "mallory");
        request = new GatewayRequest("GET", "/api/v1/orders/42", "expand=items", headers,
                IpLiteral.parse("203.0.113.7").orElseThrow(), false, () -> new ByteArrayInputStream(new byte[0]));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gateway.close();
    }

    /** A token the codec has not opened before: base64url, XChaCha20-Poly1305, the claims. */
    @Benchmark
    public VerifiedToken tokenVerify() throws InvalidTokenException {
        return new TokenCodec(keys, random).verifyAndDecode(token, now);
    }

    /** The same token again, as with every further request of a client: the codec keeps what it opened. */
    @Benchmark
    public VerifiedToken tokenVerifyKnown() throws InvalidTokenException {
        return codec.verifyAndDecode(token, now);
    }

    @Benchmark
    public RateDecision gcraDecision() {
        return Gcra.decide(state, limit, nowNanos).decision();
    }

    @Benchmark
    public Optional<Route> routeMatch() {
        return routes.match(CanonicalPath.of("/api/v1/orders/42"));
    }

    /** Canonical path, route, token, revocation, limit, and the upstream headers: everything but the bytes. */
    @Benchmark
    public ForwardingPlan forwardingPlan() {
        ForwardDecision decision = gateway.forward().forward(request);
        return (ForwardingPlan) decision;
    }
}
