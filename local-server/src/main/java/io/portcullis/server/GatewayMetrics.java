package io.portcullis.server;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.MetricsFactory;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The gateway's meters, in Helidon's global registry, which {@code /observe/metrics} serves as Prometheus text.
 * Every label has a bounded set of values: route prefixes from the config (or {@code own:<endpoint>},
 * {@code none}), status codes, the core's fixed refusal reasons, store operation names. Never a path, user or
 * address.
 *
 * <p>JVM meters come from Micrometer's standard binders (the names Grafana's JVM dashboards expect), bound once
 * before any request, not from Helidon's system meters, whose camelCase names and {@code _count} gauges
 * Prometheus' linter rejects.
 */
final class GatewayMetrics {
    /** Open client connections: one process, one count, whichever server instance holds them. */
    private static final AtomicInteger CONNECTIONS = new AtomicInteger();
    private static final AtomicBoolean JVM_BOUND = new AtomicBoolean();
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9_:/.-]{1,64}");
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();

    private GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    static GatewayMetrics create() {
        // The factory's global registry: the one every Helidon observer in the process (the demo backend's too)
        // uses, so there is one registry, not two that disagree.
        MeterRegistry registry = MetricsFactory.getInstance().globalRegistry();
        if (JVM_BOUND.compareAndSet(false, true)) {
            io.micrometer.core.instrument.MeterRegistry micrometer =
                    registry.unwrap(io.micrometer.core.instrument.MeterRegistry.class);
            new JvmMemoryMetrics().bindTo(micrometer);
            new JvmThreadMetrics().bindTo(micrometer);
            // Not JvmGcMetrics: it registers meters from the GC notification thread, holding Micrometer's lock
            // while Helidon's registry takes its own, the reverse of a request creating a meter: a deadlock.
            new UptimeMetrics().bindTo(micrometer);
            new FileDescriptorMetrics().bindTo(micrometer);
        }
        registry.getOrCreate(Gauge.builder("portcullis.connections.active", CONNECTIONS, AtomicInteger::get)
                .description("Client connections open now (WebSocket tunnels included)"));
        return new GatewayMetrics(registry);
    }

    /** The registry {@code /observe/metrics} serves: this one, so the observer makes no second one. */
    MeterRegistry registry() {
        return registry;
    }

    /**
     * Client connections as the server opens and closes them, and what it refuses before a request reaches the
     * gateway: a malformed request ({@code malformed_request}) or a connection over the limit
     * ({@code connection_limit}).
     */
    io.portcullis.server.edge.EdgeServer.Events connectionEvents() {
        return new io.portcullis.server.edge.EdgeServer.Events() {
            @Override
            public void opened() {
                CONNECTIONS.incrementAndGet();
            }

            @Override
            public void closed() {
                CONNECTIONS.decrementAndGet();
            }

            @Override
            public void refused(int status) {
                refusal(status == 503 ? "connection_limit" : "malformed_request");
            }
        };
    }

    /** One answered request: {@code route} is the route's prefix, {@code own:<path>} or {@code none}. */
    void request(String route, int status) {
        routeMeters(route).requests(status).increment();
    }

    void upstreamLatency(String route, Duration latency) {
        routeMeters(route).upstreamLatency().record(latency);
    }

    private RouteMeters routeMeters(String route) {
        RouteMeters meters = routes.get(route);
        return meters != null ? meters : routes.computeIfAbsent(route, RouteMeters::new);
    }

    /**
     * The meters every request touches, found by its route label alone: no key string is built per request (that
     * and the lookups were a few percent of the request path's CPU). Each meter is made on first use, as before.
     */
    private final class RouteMeters {
        private final String route;
        /** By status code: three digits, as a backend's status line has them (checked), or the gateway's own. */
        private final AtomicReferenceArray<Counter> requests = new AtomicReferenceArray<>(1000);
        private volatile Timer upstreamLatency;

        RouteMeters(String route) {
            this.route = route;
        }

        Counter requests(int status) {
            boolean kept = status >= 0 && status < requests.length();
            Counter counter = kept ? requests.get(status) : null;
            if (counter == null) {
                counter = counter("portcullis.requests", "Requests answered, by route and status", "route", route,
                        "status", Integer.toString(status));
                if (kept) {
                    requests.set(status, counter); // a race sets the registry's one meter twice
                }
            }
            return counter;
        }

        Timer upstreamLatency() {
            Timer timer = upstreamLatency;
            if (timer == null) {
                timer = timer("portcullis.upstream.latency",
                        "Time from sending a request upstream to the backend's answer head", "route", route);
                upstreamLatency = timer;
            }
            return timer;
        }
    }

    /** A login: {@code success}, or the refusal's reason ({@code wrong_password}, {@code rate_limited}, …). */
    void login(String outcome) {
        counter("portcullis.logins", "Logins by outcome", "outcome", outcome).increment();
    }

    /** A request the gateway refused itself, by the core's reason ({@code rate_limited}, {@code revoked}, …). */
    void refusal(String reason) {
        counter("portcullis.refusals", "Requests refused by the gateway, by reason", "reason", reason).increment();
    }

    void revocation() {
        counter("portcullis.revocations", "Revocations recorded (tokens or users)").increment();
    }

    /** One call to the store (DynamoDB), timed; {@code failed} when it threw (a refused condition is no failure). */
    void storeCall(String operation, Duration latency, boolean failed) {
        timer("portcullis.store.latency", "DynamoDB call latency, by operation", "operation", operation)
                .record(latency);
        if (failed) {
            counter("portcullis.store.errors", "DynamoDB calls that failed, by operation", "operation", operation)
                    .increment();
        }
    }

    /** Log lines not delivered ({@code queue_full}, {@code push_failed}). */
    void logLinesDropped(String reason, int lines) {
        counter("portcullis.log.dropped", "Log lines dropped before reaching Loki, by reason", "reason", reason)
                .increment(lines);
    }

    // Meters are looked up on every request: get first, since computeIfAbsent may lock a bin of the map even when
    // the meter is there, and a virtual thread blocked on that monitor waits for the JDK's unblocker thread.
    private Counter counter(String name, String description, String... tags) {
        String key = key(name, tags);
        Counter counter = counters.get(key);
        return counter != null ? counter : counters.computeIfAbsent(key, k -> registry.getOrCreate(
                Counter.builder(name).description(description).tags(tags(tags))));
    }

    private Timer timer(String name, String description, String... tags) {
        String key = key(name, tags);
        Timer timer = timers.get(key);
        return timer != null ? timer : timers.computeIfAbsent(key, k -> registry.getOrCreate(Timer.builder(name)
                .description(description).tags(tags(tags))
                // Buckets only: Helidon's default percentiles would put quantile samples into a histogram family.
                .percentiles(new double[0])
                .buckets(LATENCY_BUCKETS)));
    }

    private static String key(String name, String... tags) {
        return tags.length == 0 ? name : name + '|' + String.join("|", tags);
    }

    /** Tags from name/value pairs; a value outside the expected shapes becomes {@code other}. */
    private static List<Tag> tags(String... pairs) {
        Function<String, String> safe = value -> LABEL_VALUE.matcher(value).matches() ? value : "other";
        Tag[] tags = new Tag[pairs.length / 2];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = Tag.create(pairs[2 * i], safe.apply(pairs[2 * i + 1]));
        }
        return List.of(tags);
    }
}
