package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backends behind an authenticating HTTP proxy (a real squid), and a TLS backend that demands a client
 * certificate, all real servers on loopback with certificates made for the test.
 */
class UpstreamProxyAndTlsTest {
    @TempDir
    static Path dir;
    static TestBackend plain;
    static MutualTlsBackend mutualTls;
    static Squid proxy;
    static RunningGateway gateway;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates serverCa = new TestCertificates("server CA");
        TestCertificates clientCa = new TestCertificates("client CA");
        serverCa.writeCaPem(dir.resolve("server-ca.pem"));
        TestCertificates.Issued client = clientCa.issue("portcullis gateway");
        client.writePem(dir, "client");
        client.writePkcs12(dir.resolve("client.p12"), "p12-secret");
        mutualTls = new MutualTlsBackend(serverCa.issue("localhost"), clientCa.ca);
        plain = new TestBackend();
        proxy = new Squid(dir, "gw", "pr0xy pass");
        String tlsBackend = "https://localhost:" + mutualTls.port();
        gateway = RunningGateway.start(dir, """
                store: { type: memory }
                users: [ { username: alice, password: wonderland } ]
                rate-limits: { proxy: { requests-per-second: 0 }, auth: { requests-per-second: 0 } }
                upstream: { connect-timeout: 2s, read-timeout: 5s, idle-timeout: 300ms }
                routes:
                  - { prefix: /via-proxy, target: "http://127.0.0.1:%1$d/p",
                      proxy: { url: "http://127.0.0.1:%2$d", username: gw, password: "pr0xy pass" } }
                  - { prefix: /wrong-proxy-password, target: "http://127.0.0.1:%1$d",
                      proxy: { url: "http://gw:nope@127.0.0.1:%2$d" } }
                  - { prefix: /mtls-pem, target: "%3$s",
                      tls: { ca-file: server-ca.pem, client-cert: client.pem, client-key: client-key.pem } }
                  - { prefix: /mtls-p12, target: "%3$s",
                      tls: { ca-file: server-ca.pem, client-keystore: client.p12, client-keystore-password: p12-secret } }
                  - { prefix: /mtls-none, target: "%3$s", tls: { ca-file: server-ca.pem } }
                  - { prefix: /untrusted, target: "%3$s" }
                  - { prefix: /mtls-via-proxy, target: "%3$s",
                      proxy: { url: "http://127.0.0.1:%2$d", username: gw, password: "pr0xy pass" },
                      tls: { ca-file: server-ca.pem, client-cert: client.pem, client-key: client-key.pem } }
                """.formatted(plain.port(), proxy.port(), tlsBackend));
        token = gateway.login("alice", "wonderland");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        if (proxy != null) {
            proxy.close();
        }
        plain.close();
        mutualTls.close();
    }

    @Test
    void httpBackend_throughTheProxy_withItsCredentials() throws Exception {
        HttpResponse<String> response = gateway.get("/via-proxy/x?q=1", token);
        assertThat(response.statusCode()).isEqualTo(200);

        assertThat(response.body()).isEqualTo("hello from /p/x");
        // An http target goes to the proxy in absolute form (RFC 9112 §3.2.2); origin form makes squid answer 400.
        assertThat(proxy.logged("GET http://127.0.0.1:" + plain.port() + "/p/x?q=1")).isTrue();
        assertThat(plain.next().headers()).doesNotContainKey("proxy-authorization");

        HttpResponse<String> refused = gateway.get("/wrong-proxy-password/x", token);
        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(RunningGateway.json(refused).get("error").asText()).isEqualTo("bad_gateway");
        assertThat(plain.receivedNothing()).isTrue();
    }

    @Test
    void tlsBackendDemandingAClientCertificate_getsItAsPemOrPkcs12() throws Exception {
        assertThat(gateway.get("/mtls-pem/a", token).body()).isEqualTo("hello from /a");
        assertThat(gateway.get("/mtls-p12/b", token).body()).isEqualTo("hello from /b");
    }

    @Test
    void withoutTheClientCertificateOrTheCa_theHandshakeFails_as502() throws Exception {
        HttpResponse<String> noCertificate = gateway.get("/mtls-none/a", token);
        assertThat(noCertificate.statusCode()).isEqualTo(502);
        assertThat(RunningGateway.json(noCertificate).get("error").asText()).isEqualTo("bad_gateway");
        assertThat(gateway.get("/untrusted/a", token).statusCode()).isEqualTo(502);
    }

    @Test
    void tlsBackend_throughTheProxy_tunnelsWithConnect() throws Exception {
        assertThat(gateway.get("/mtls-via-proxy/c", token).body()).isEqualTo("hello from /c");
        // Logged when the tunnel closes: the idle connection is closed after the route's idle timeout.
        assertThat(proxy.logged("CONNECT localhost:" + mutualTls.port())).as(proxy.requests().toString()).isTrue();
    }
}
