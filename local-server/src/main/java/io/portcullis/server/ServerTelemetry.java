package io.portcullis.server;

import io.portcullis.core.AdminAnswer;
import io.portcullis.core.ForwardDecision;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Gateway;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Issued;
import io.portcullis.core.RefreshTokens;
import io.portcullis.core.Rejection;
import io.portcullis.core.Reply;
import io.portcullis.core.Revoked;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.net.TrustedProxies;
import io.portcullis.core.page.PagePaths;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the server shell tells about the requests it serves: metrics, one access line per request, and audit
 * events for the security-relevant ones. The shell reports what it sees (the core's reply or forwarding decision,
 * the backend's timing); the core stays free of logging.
 *
 * <p>Access line: {@code {"time","log":"access","request_id","method","path","client","route","user",
 * "token_id","status","bytes","duration_ms","upstream_ms","reason"}} — the path without its query (a query may
 * carry secrets), cut to 512 characters; no header, token, password or body is ever written.
 */
final class ServerTelemetry implements AutoCloseable {
    private static final Set<String> OWN_PATHS;

    static {
        Set<String> own = new java.util.HashSet<>(Gateway.OWN_ENDPOINTS);
        own.addAll(Set.of("/adm/revoke", "/adm/stats", PagePaths.SECOND_FACTOR));
        OWN_PATHS = Set.copyOf(own);
    }

    private final GatewayMetrics metrics;
    private final LogSink sink;
    private final AuditLog audit;
    private final boolean accessLines;
    private final Supplier<TrustedProxies> proxies;
    private final UntrustedForwarding untrustedForwarding = new UntrustedForwarding();
    private final Clock clock;

    /** @param proxies the trusted proxies of the gateway that serves requests now (a reload may change them) */
    ServerTelemetry(GatewayConfig config, GatewayMetrics metrics, LogSink sink, Supplier<TrustedProxies> proxies,
            Clock clock) {
        this.metrics = metrics;
        this.sink = sink;
        this.audit = new AuditLog(sink, clock);
        this.accessLines = config.log().access();
        this.proxies = proxies;
        this.clock = clock;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    AuditLog audit() {
        return audit;
    }

    RequestRecord begin(GatewayRequest request) {
        TrustedProxies trusted = proxies.get();
        untrustedForwarding.check(request.peer(), request.headers(), trusted);
        return new RequestRecord(request.method(), request.rawPath(),
                trusted.clientAddress(request.peer(), request.headers()));
    }

    /**
     * The gateway answered one of its own endpoints: counts logins and revocations, and audits them.
     *
     * @param attemptedUser the username a login's body gave, read only for a failed login's audit line
     */
    void answered(RequestRecord record, GatewayRequest request, Reply reply,
            Supplier<Optional<String>> attemptedUser) {
        String path = request.rawPath();
        // The admin API's resources, never the user a path names: labels stay bounded.
        String known = OWN_PATHS.contains(path) ? path : path.startsWith("/admin/users") ? "/admin/users"
                : path.equals("/admin/tokens") ? path : null;
        if (reply instanceof AdminAnswer admin) {
            record.route = "own:" + known;
            admin(record, admin);
            return;
        }
        record.route = request.method().equals("OPTIONS") ? "own:preflight" : known != null ? "own:" + known
                : "own:other";
        // The second-factor page audits what its form posts, not its views.
        boolean view = path.equals(PagePaths.SECOND_FACTOR) && !request.method().equals("POST");
        Optional<String> event = known == null || request.method().equals("OPTIONS") || view ? Optional.empty()
                : Optional.of(switch (known) {
                    case "/auth" -> "login";
                    case "/auth/refresh" -> "refresh";
                    case "/auth/totp/enrol", "/auth/totp/confirm", PagePaths.SECOND_FACTOR -> "totp";
                    case "/adm/stats", "/admin/users", "/admin/tokens" -> "admin";
                    default -> "revocation";
                });
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("request_id", record.id);
        fields.put("client", record.client.getHostAddress());
        fields.put("path", path);
        String outcome = "success";
        switch (reply.outcome()) {
            case Issued issued -> {
                record.identity = Optional.of(issued.claims().identity());
                fields.put("user", issued.claims().subject());
                fields.put("token_id", issued.claims().tokenId().value());
                if (event.filter("login"::equals).isPresent()) {
                    metrics.login("success");
                }
            }
            case Revoked revoked -> {
                fields.put("actor", revoked.actor());
                fields.put("target", revoked.target());
                metrics.revocation();
            }
            case Rejection rejection -> {
                record.refused(rejection);
                outcome = "failure";
                fields.put("reason", rejection.reason());
                concerned(record, rejection, fields);
                if (event.filter("login"::equals).isPresent()) {
                    attemptedUser.get().ifPresent(user -> fields.put("user", user));
                    metrics.login(rejection.reason());
                }
            }
            default -> {
            }
        }
        String result = outcome;
        event.ifPresent(name -> audit.event(name, result, fields));
    }

    /** An admin API answer: every change, or refused change, goes to the audit log with who asked. */
    private void admin(RequestRecord record, AdminAnswer admin) {
        if (admin.action().isPresent()) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("request_id", record.id);
            fields.put("client", record.client.getHostAddress());
            fields.put("actor", admin.actor());
            fields.put("action", admin.action().get());
            audit.event("admin", admin.status() < 400 ? "success" : "failure", fields);
        }
    }

    /**
     * The core's decision for a request to a route; a refusal is labelled with the route it was for. A browser
     * session renewed from its refresh cookie (a 307), or a refresh cookie found reused, is audited as a refresh.
     */
    void decided(RequestRecord record, ForwardDecision decision, Optional<String> routeOfRefusal) {
        switch (decision) {
            case ForwardingPlan plan -> {
                record.route = plan.route().prefix();
                record.identity = plan.identity();
            }
            case Rejection rejection -> {
                record.route = routeOfRefusal.orElse("none");
                record.refused(rejection);
                record.identity = rejection.identity();
                boolean renewed = rejection.reason().equals("session_renewed");
                if (renewed || rejection.reason().equals(RefreshTokens.REUSED)) {
                    Map<String, String> fields = new LinkedHashMap<>();
                    fields.put("request_id", record.id);
                    fields.put("client", record.client.getHostAddress());
                    fields.put("path", record.path);
                    fields.put("reason", rejection.reason());
                    concerned(record, rejection, fields);
                    audit.event("refresh", renewed ? "success" : "failure", fields);
                }
            }
        }
    }

    /** The user and token id a refusal concerns, when the core knew them (a refresh token's login). */
    private static void concerned(RequestRecord record, Rejection rejection, Map<String, String> fields) {
        rejection.identity().ifPresent(who -> {
            record.identity = Optional.of(who);
            fields.put("user", who.subject());
            fields.put("token_id", who.tokenId().value());
        });
    }

    /** The backend's answer head arrived {@code latency} after the request was sent. */
    void upstreamAnswered(RequestRecord record, Duration latency) {
        record.upstream = Optional.of(latency);
        metrics.upstreamLatency(record.route, latency);
    }

    /** The answer went out (or the connection broke): counts the request and writes its access line, once. */
    void end(RequestRecord record, int status, long bytes) {
        if (!record.end()) {
            return;
        }
        metrics.request(record.route, status);
        record.reason.ifPresent(metrics::refusal);
        if (!accessLines) {
            return;
        }
        LogLine line = new LogLine(LogTime.format(clock.instant()), "access")
                .put("request_id", record.id).put("method", record.method)
                .put("path", LogSink.bounded(record.path, 512)).put("client", record.client.getHostAddress())
                .put("route", record.route);
        record.identity.ifPresent(identity -> line.put("user", identity.subject())
                .put("token_id", identity.tokenId().value()));
        line.put("status", status).put("bytes", bytes)
                .put("duration_ms", millis(Duration.ofNanos(System.nanoTime() - record.startedNanos)));
        record.upstream.ifPresent(latency -> line.put("upstream_ms", millis(latency)));
        record.reason.ifPresent(reason -> line.put("reason", reason));
        sink.write("access", line.json());
    }

    private static double millis(Duration duration) {
        return Math.round(duration.toNanos() / 1_000.0) / 1_000.0;
    }

    /** Pushes what is still queued (Loki) and stops. */
    @Override
    public void close() {
        sink.close();
    }
}
