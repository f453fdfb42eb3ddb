package io.portcullis.bench.legs;

import io.portcullis.core.Header;
import io.portcullis.core.config.ServerSettings;
import io.portcullis.server.edge.EdgeServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * The upstream-leg experiment of issue 18: the gateway's own server in front, and only the leg to the backend
 * changed, so the table in bench/README.md compares legs and nothing else. Not the gateway: no token, no limiter,
 * no access log.
 *
 * <p>Usage: {@code LegServer LEG PORT BACKEND_PORT}, where LEG is {@code none} (the server answers itself),
 * {@code portcullis} (the gateway's UpstreamClient), {@code apache} (Apache HttpClient 5 classic, pooled) or
 * {@code helidon} (Helidon's Http1Client on connections pooled here, through its public connection API).
 */
public final class LegServer {
    /** RFC 9110 §7.6.1: never forwarded, whichever leg. */
    static final Set<String> HOP_BY_HOP = caseInsensitive("Connection", "Keep-Alive", "Proxy-Connection",
            "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
            "Content-Length");
    private static final byte[] OK = "ok\n".getBytes(StandardCharsets.US_ASCII);

    private LegServer() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        int port = Integer.parseInt(args[1]);
        InetSocketAddress backend = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[2]));
        Leg leg = switch (name) {
            case "none" -> exchange -> {
                exchange.body().transferTo(java.io.OutputStream.nullOutputStream());
                exchange.respond(200, List.of(new Header("Content-Type", "text/plain")), OK);
            };
            case "portcullis" -> new PortcullisLeg(backend);
            case "apache" -> new ApacheLeg(backend);
            case "helidon" -> new HelidonLeg(backend);
            default -> throw new IllegalArgumentException("unknown leg " + name);
        };
        ServerSettings settings = new ServerSettings("127.0.0.1", port, 4096, OptionalInt.of(20_000),
                Duration.ofSeconds(10), Duration.ofSeconds(60), 32 * 1024, Duration.ofSeconds(1), 32, false);
        try (EdgeServer server = EdgeServer.start(settings, null, leg::forward, EdgeServer.Events.NONE)) {
            System.out.println("leg " + name + " listening on " + server.port());
            Thread.currentThread().join();
        } finally {
            leg.close();
        }
    }

    static Set<String> caseInsensitive(String... names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(names));
        return set;
    }
}
