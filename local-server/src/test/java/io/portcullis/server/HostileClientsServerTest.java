package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.infra.http1.RawBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 over real sockets: what a hostile client sends, and what a backend that records the exact bytes it
 * receives gets (plain requests and WebSocket handshakes); the trusted proxy's address against a client's
 * {@code Forwarded}; a backend's CORS headers to an origin the gateway does not allow. The test's own connections
 * come from 127.0.0.1, the trusted proxy here: what it reports in {@code X-Forwarded-*} it vouches for.
 */
class HostileClientsServerTest {
    /** Headers a client may not claim: identity look-alikes, the forwarding family, override headers. */
    private static final List<String> CLAIMS = List.of("X_User: mallory", "X_User_Roles: admin",
            "X-Token_Id: 00000000000000000000000000000000", "X-User: mallory", "X-Forwarded-User: mallory",
            "X-Forwarded-Prefix: /admin", "X-Forwarded-Port: 443", "X-Forwarded-Ssl: on",
            "X-Forwarded-Scheme: https", "X-Forwarded-Server: evil",
            "X_Forwarded_For: 10.1.2.3", "Forwarded: for=10.1.2.3", "X-Real-IP: 10.1.2.3",
            "True-Client-IP: 10.1.2.3", "X-Original-URL: /admin", "X-Rewrite-URL: /admin",
            "X-HTTP-Method-Override: DELETE", "X-Method-Override: DELETE");
    private static final List<String> CLAIMED_NAMES = List.of("x_user", "x_user_roles", "x-token_id",
            "x-forwarded-user", "x-forwarded-prefix", "x-forwarded-port", "x-forwarded-ssl", "x-forwarded-scheme",
            "x-forwarded-server", "x_forwarded_for", "forwarded", "x-real-ip", "true-client-ip",
            "x-original-url", "x-rewrite-url", "x-http-method-override", "x-method-override");

    @TempDir
    static Path dir;
    static RawBackend backend;
    static WebSocketEchoBackend echo;
    static RunningGateway gateway;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        backend = new RawBackend(request -> RawBackend.answer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                + "Access-Control-Allow-Origin: https://evil.example\r\nAccess-Control-Allow-Credentials: true\r\n"
                + "Access-Control-Expose-Headers: X-Secret\r\nContent-Length: 2\r\n\r\nok"));
        echo = new WebSocketEchoBackend();
        gateway = RunningGateway.start(dir, """
                store: { type: memory }
                users:
                  - { username: alice, password: wonderland, roles: [dev] }
                  - { username: carol, password: c4rol, allow: [10.0.0.0/8] }
                rate-limits: { proxy: { requests-per-second: 0 }, auth: { requests-per-second: 0 } }
                trusted-proxies: [127.0.0.1]
                cors: { origins: ["https://app.example"] }
                browser: { cookie: sid }
                routes:
                  - { prefix: /api, target: "http://127.0.0.1:%d/v1" }
                  - { prefix: /ws, target: "http://127.0.0.1:%d/socket" }
                """.formatted(backend.port(), echo.port()));
        alice = gateway.login("alice", "wonderland");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        backend.close();
        echo.close();
    }

    @Test
    void aRequestsClaims_neverReachTheBackend_whichGetsOnlyWhatTheGatewayVouchesFor() throws Exception {
        RawHttp.Response response = RawHttp.send(gateway.server.port(), "GET /api/items?x=1 HTTP/1.1\r\n"
                + "Host: gw.example\r\nAuthorization: Bearer " + alice + "\r\nX-Forwarded-For: 203.0.113.9\r\n"
                + "X-Forwarded-Host: public.example\r\n" + String.join("\r\n", CLAIMS) + "\r\nX-Kept: yes");

        assertThat(response.status()).isEqualTo(200);
        RawBackend.Received received = backend.next();
        assertThat(received.requestLine()).isEqualTo("GET /v1/items?x=1 HTTP/1.1");
        assertThat(received.fieldNames()).doesNotContainAnyElementsOf(CLAIMED_NAMES);
        List<String> lines = received.fieldLines().stream().map(l -> l.toLowerCase(Locale.ROOT)).toList();
        assertThat(lines).containsOnlyOnce("x-user: alice").contains("x-user-roles: dev", "x-kept: yes",
                "x-forwarded-for: 203.0.113.9, 127.0.0.1", "x-forwarded-proto: http",
                "x-forwarded-host: public.example");
        assertThat(lines).filteredOn(l -> l.startsWith("x-user:")).hasSize(1);
        assertThat(lines).noneMatch(l -> l.contains("mallory") || l.contains("10.1.2.3") || l.contains("evil"));
    }

    @Test
    void aWebSocketHandshakesClaims_neverReachTheBackend() throws Exception {
        String answer = handshake("GET /ws/room HTTP/1.1\r\nHost: gw.example\r\nAuthorization: Bearer " + alice
                + "\r\n" + String.join("\r\n", CLAIMS));

        assertThat(answer).startsWith("HTTP/1.1 101");
        String head = echo.rawHandshakes.getLast();
        assertThat(head).startsWith("GET /socket/room HTTP/1.1\r\n");
        assertThat(new RawBackend.Received(0, head + "\r\n\r\n", new byte[0]).fieldNames())
                .doesNotContainAnyElementsOf(CLAIMED_NAMES);
        assertThat(head.toLowerCase(Locale.ROOT)).contains("\r\nx-user: alice").doesNotContain("mallory")
                .doesNotContain("10.1.2.3");
    }

    @Test
    void aWebSocketHandshakeByCookie_needsAnOriginOfThisSite() throws Exception {
        String byCookie = "GET /ws/room HTTP/1.1\r\nHost: gw.example\r\nCookie: sid=" + alice;

        String noOrigin = handshake(byCookie);
        assertThat(noOrigin).startsWith("HTTP/1.1 403").contains("\"error\":\"forbidden\"").contains("Origin");
        assertThat(handshake(byCookie + "\r\nOrigin: https://evil.example")).startsWith("HTTP/1.1 403");
        int before = echo.rawHandshakes.size();
        assertThat(handshake(byCookie + "\r\nOrigin: http://gw.example")).startsWith("HTTP/1.1 101");
        assertThat(echo.rawHandshakes).hasSize(before + 1);
    }

    @Test
    void aClientsForwardedHeader_doesNotOutrankTheTrustedProxysXForwardedFor() throws Exception {
        HttpResponse<String> spoofed = gateway.send(HttpRequest.newBuilder(gateway.uri("/auth"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("X-Forwarded-For", "203.0.113.7").header("Forwarded", "for=10.1.2.3")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"carol\",\"password\":\"c4rol\"}")).build());

        assertThat(spoofed.statusCode()).isEqualTo(401);
        assertThat(RunningGateway.json(spoofed).get("error").asText()).isEqualTo("invalid_credentials");
        HttpResponse<String> inside = gateway.send(HttpRequest.newBuilder(gateway.uri("/auth"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("X-Forwarded-For", "10.1.2.3")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"carol\",\"password\":\"c4rol\"}")).build());
        assertThat(inside.statusCode()).isEqualTo(200);
    }

    @Test
    void aBackendsCorsHeaders_reachOnlyAnAllowedOrigin() throws Exception {
        HttpResponse<String> evil = gateway.send(HttpRequest.newBuilder(gateway.uri("/api/x"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + alice)
                .header("Origin", "https://evil.example").build());
        backend.next();

        assertThat(evil.statusCode()).isEqualTo(200);
        assertThat(evil.headers().map().keySet()).noneMatch(name -> name.toLowerCase(Locale.ROOT)
                .startsWith("access-control-"));

        HttpResponse<String> allowed = gateway.send(HttpRequest.newBuilder(gateway.uri("/api/x"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + alice)
                .header("Origin", "https://app.example").build());
        backend.next();
        assertThat(allowed.headers().allValues("Access-Control-Allow-Origin")).containsExactly("https://app.example");
        assertThat(allowed.headers().allValues("Access-Control-Allow-Credentials")).containsExactly("true");
        assertThat(allowed.headers().allValues("Access-Control-Expose-Headers")).containsExactly("X-Secret");
    }

    /** Sends a WebSocket handshake with {@code head}'s lines and returns the answer's head, then closes. */
    private static String handshake(String head) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            while (!answer.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                answer.append((char) b);
            }
            if (answer.toString().startsWith("HTTP/1.1 4")) {
                answer.append(new String(in.readNBytes(Math.max(0, contentLength(answer.toString()))),
                        StandardCharsets.UTF_8));
            }
            return answer.toString();
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }
}
