package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.infra.http1.RawBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile request framing and request targets, as exact bytes on a plain socket, against backends that record the
 * exact bytes they receive: one strict, one that frames requests by the last {@code Content-Length} as some real
 * servers do (where a smuggled request would hide). RFC 9112 §3, §6 and §7.
 */
class HostileFramingTest {
    @TempDir
    static Path dir;
    static RawBackend strict;
    static RawBackend lastLength;
    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        strict = RawBackend.ok();
        lastLength = new RawBackend(RawBackend.Framing.LAST_CONTENT_LENGTH,
                request -> RawBackend.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        gateway = RunningGateway.start(dir, """
                store: { type: memory }
                users: [ { username: alice, password: wonderland } ]
                rate-limits: { proxy: { requests-per-second: 0 }, auth: { requests-per-second: 0 } }
                routes:
                  - { prefix: /open, target: "http://127.0.0.1:%1$d/o", secure: false }
                  - { prefix: /secure, target: "http://127.0.0.1:%1$d/s" }
                  - { prefix: /last, target: "http://127.0.0.1:%2$d/l", secure: false }
                """.formatted(strict.port(), lastLength.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        strict.close();
        lastLength.close();
    }

    private static RawHttp.KeepAlive connect() throws Exception {
        return new RawHttp.KeepAlive(gateway.server.port());
    }

    /** The next request the backend saw; nothing else may have arrived before it. */
    private static RawBackend.Received forwarded() throws Exception {
        return strict.next();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../../s/admin-only", "/../s/admin", "a=b/../../s/y", "next=http://evil/",
        "%2e%2e/%2e%2e/s", "x=%0d%0a", "a=1&a=2;b=/../"})
    void query_goesUpstreamUntouched_andNeverMovesThePath(String query) throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            assertThat(client.send("GET /open/x?" + query + " HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
        }
        assertThat(forwarded().requestLine()).isEqualTo("GET /o/x?" + query + " HTTP/1.1");
    }

    @Test
    void absoluteFormTarget_isRoutedByItsPath_andSentUpstreamInOriginForm() throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            assertThat(client.send("GET http://evil.example/open/x?/../s HTTP/1.1\r\nHost: evil.example").status())
                    .isEqualTo(200);
            assertThat(client.send("GET http://evil.example/open/../secure/x HTTP/1.1\r\nHost: gw").status())
                    .as("dot segments in an absolute target are resolved before routing").isEqualTo(401);
        }
        assertThat(forwarded().requestLine()).isEqualTo("GET /o/x?/../s HTTP/1.1");
        assertThat(strict.poll(200)).isNull();
    }

    @Test
    void twoContentLengths_are400_closeTheConnection_andNothingIsSmuggledToTheBackend() throws Exception {
        String smuggled = "GET /l/admin HTTP/1.1\r\nHost: x\r\nX-User: admin\r\n\r\n";
        try (RawHttp.KeepAlive client = connect()) {
            RawHttp.Response response = client.write("POST /last/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n"
                    + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled).read();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.header("content-type")).isEqualTo("application/json");
            assertThat(response.body()).contains("\"error\":\"bad_request\"");
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(client.closedWithin(3)).isTrue();
        }
        assertThat(lastLength.poll(300)).as("the last-Content-Length backend received nothing").isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Content-Length: 5 / Transfer-Encoding: chunked   | 400",
        "Transfer-Encoding: chunked / Content-Length: 5   | 400",
        "Transfer-Encoding: chunked, identity             | 400",
        "Transfer-Encoding: gzip                          | 400",
        "Transfer-Encoding: gzip, chunked                 | 501",
        "Transfer-Encoding: chunked / Transfer-Encoding: chunked | 400",
        "Content-Length: -1                               | 400",
        "Content-Length: +5                               | 400",
        "Content-Length: 5, 5                             | 400",
        "Content-Length: 0x5                              | 400"})
    void ambiguousOrUnknownFraming_isRefused_andTheConnectionClosed(String fields, int status) throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            RawHttp.Response response = client.write("POST /open/x HTTP/1.1\r\nHost: gw\r\n"
                    + fields.strip().replace(" / ", "\r\n")
                    + "\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /open/smuggled HTTP/1.1\r\nHost: gw\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(status);
            assertThat(response.body()).startsWith("{\"error\":").doesNotContain("Exception");
            assertThat(client.closedWithin(3)).isTrue();
        }
        assertThat(strict.poll(300)).as("nothing reached the backend").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "5\r\nhello\n0\r\n\r\n",
        "-5\r\nhello\r\n0\r\n\r\n", "5;=x\r\nhello\r\n0\r\n\r\n"})
    void malformedChunks_are400_neverA500(String chunks) throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            RawHttp.Response response = client.write("POST /open/x HTTP/1.1\r\nHost: gw\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunks).read();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).startsWith("{\"error\":\"bad_request\"");
            assertThat(client.closedWithin(3)).isTrue();
        }
        // The backend may have been sent the chunks before the bad one; it never gets a whole request.
        RawBackend.Received partial = strict.poll(300);
        assertThat(partial).isNull();
    }

    @Test
    void chunkedBody_withExtensionsAndAnyCase_isDecoded_andFramedUpstreamByTheGatewayAlone() throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            RawHttp.Response response = client.write("POST /open/x HTTP/1.1\r\nHost: gw\r\n"
                    + "Transfer-Encoding: Chunked\r\n\r\n5;a=b\r\nhello\r\n1 ; q=\"x\"\r\n!\r\n0\r\nT: x\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
        }
        RawBackend.Received received = forwarded();
        assertThat(received.fields("Transfer-Encoding")).containsExactly("chunked");
        assertThat(received.fields("Content-Length")).isEmpty();
        // Re-chunked by the gateway as it read (chunk sizes are not meaning); the trailer field is not passed on.
        assertThat(received.bodyText()).isEqualTo("5\r\nhello\r\n1\r\n!\r\n0\r\n\r\n");
    }

    @Test
    void contentLengthBody_isSentWithTheGatewaysOwnSingleContentLength() throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            client.write("POST /open/x HTTP/1.1\r\nHost: gw\r\ncontent-length: 5\r\n\r\nhello");
            assertThat(client.read().status()).isEqualTo(200);
        }
        RawBackend.Received received = forwarded();
        assertThat(received.fields("Content-Length")).containsExactly("5");
        assertThat(received.head()).contains("\r\nContent-Length: 5\r\n").doesNotContain("content-length");
        assertThat(received.fields("Transfer-Encoding")).isEmpty();
        assertThat(received.bodyText()).isEqualTo("hello");
    }

    @Test
    void connectionClose_isHonoured_andARequestPipelinedAfterItIsNotServed() throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            RawHttp.Response response = client.write("GET /open/one HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"
                    + "GET /open/two HTTP/1.1\r\nHost: gw\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(client.closedWithin(3)).isTrue();
        }
        assertThat(forwarded().requestLine()).startsWith("GET /o/one ");
        assertThat(strict.poll(300)).isNull();
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder_onOneConnection() throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            client.write("GET /open/1 HTTP/1.1\r\nHost: gw\r\n\r\nPOST /open/2 HTTP/1.1\r\nHost: gw\r\n"
                    + "Content-Length: 2\r\n\r\nhiGET /nowhere HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(404);
        }
        assertThat(forwarded().requestLine()).startsWith("GET /o/1 ");
        assertThat(forwarded().bodyText()).isEqualTo("hi");
    }

    @Test
    void http10_isServed_andClosedAfterTheAnswer() throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            RawHttp.Response response = client.write("GET /open/old HTTP/1.0\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("ok");
            assertThat(client.closedWithin(3)).isTrue();
        }
        RawBackend.Received received = forwarded();
        assertThat(received.requestLine()).isEqualTo("GET /o/old HTTP/1.1");
    }

    @Test
    void otherVersions_get505InJson() throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            RawHttp.Response response = client.write("GET /open/x HTTP/2.0\r\nHost: gw\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(505);
            assertThat(response.body()).contains("HTTP/1.1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /open/x HTTP/1.1\r\nHost: gw\r\nX: a\r\n b\r\n\r\n",
        "GET /open/x HTTP/1.1\r\nHost : gw\r\n\r\n", "GET /open/x HTTP/1.1\nHost: gw\n\n",
        "GET /open/x HTTP/1.1\r\nHost: gw\r\nX: a\u0000\r\n\r\n", "GET /open/x HTTP/1.1\r\n\r\n",
        "GET /open/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "GET /open/\u00ff HTTP/1.1\r\nHost: gw\r\n\r\n"})
    void malformedHeads_are400InJson(String request) throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            RawHttp.Response response = client.write(request).read();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).startsWith("{\"error\":\"bad_request\"");
            assertThat(client.closedWithin(3)).isTrue();
        }
        assertThat(strict.poll(200)).isNull();
    }

    @Test
    void oversizedHeads_get414And431() throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            assertThat(client.write("GET /open/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: gw\r\n\r\n").read()
                    .status()).isEqualTo(414);
        }
        try (RawHttp.KeepAlive client = connect()) {
            assertThat(client.write("GET /open/x HTTP/1.1\r\nHost: gw\r\nX: " + "b".repeat(40_000) + "\r\n\r\n")
                    .read().status()).isEqualTo(431);
        }
    }

    @Test
    void unknownExpectation_is417() throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            assertThat(client.write("POST /open/x HTTP/1.1\r\nHost: gw\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\nhi")
                    .read().status()).isEqualTo(417);
        }
    }

    @Test
    void expectContinue_gets100_beforeTheBodyIsRead() throws Exception {
        try (RawHttp.KeepAlive client = connect()) {
            client.write("POST /open/x HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(100);
            client.write("hello");
            assertThat(client.read().status()).isEqualTo(200);
        }
        assertThat(forwarded().bodyText()).isEqualTo("hello");
    }
}
