package io.portcullis.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.Fixtures;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Gateway;
import io.portcullis.core.GatewayRequest;
import io.portcullis.core.Header;
import io.portcullis.core.MapHeaders;
import io.portcullis.core.MutableClock;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.infra.http1.RawBackend;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upstream leg against backends on raw sockets that record the exact bytes they receive and send exactly the
 * bytes a test scripts: what goes upstream, how answers are framed and read, when a connection is reused.
 */
class UpstreamClientTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closing.reversed()) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closing.add(closeable);
        return closeable;
    }

    /** What the client was sent: status, headers and body as the sink received them. */
    private record Answer(int status, List<Header> headers, String body) {
        String header(String name) {
            return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst()
                    .orElse(null);
        }
    }

    private UpstreamClient client(String upstream) {
        GatewayConfig config = Fixtures.config(dir, "upstream: " + upstream + "\n");
        return closing(new UpstreamClient(config.upstream()));
    }

    private UpstreamClient client() {
        return client("{ connect-timeout: 2s, read-timeout: 2s }");
    }

    /** A plan for {@code method target} on an open route to the backend on {@code port}. */
    private ForwardingPlan plan(int port, String method, String target, MapHeaders headers) {
        GatewayConfig config = Fixtures.config(dir, """
                rate-limits: { proxy: { requests-per-second: 0 } }
                routes: [ { prefix: /app, target: "http://127.0.0.1:%d/base", secure: false } ]
                """.formatted(port));
        Gateway gateway = closing(Gateway.create(config, Gateway.Stores.inMemory(List.of(),
                MutableClock.startingNow()), MutableClock.startingNow()));
        return (ForwardingPlan) gateway.forward().forward(Fixtures.request(method, target, headers, ""));
    }

    private Answer send(UpstreamClient client, ForwardingPlan plan, MapHeaders headers, String body)
            throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int[] status = new int[1];
        List<Header> answered = new ArrayList<>();
        Supplier<InputStream> stream = body == null ? null
                : () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1));
        client.exchange(plan, headers, stream, (code, fields) -> {
            status[0] = code;
            answered.addAll(fields);
            return received;
        });
        return new Answer(status[0], answered, received.toString(StandardCharsets.ISO_8859_1));
    }

    private Answer get(UpstreamClient client, int port, String target) throws Exception {
        return send(client, plan(port, "GET", target, MapHeaders.of()), MapHeaders.of(), null);
    }

    @Test
    void request_isExactlyThePlannedBytes_framedByTheLeg() throws Exception {
        RawBackend backend = closing(RawBackend.ok());
        MapHeaders headers = MapHeaders.of("Content-Length", "5").add("Accept", "text/plain")
                .add("Transfer-Encoding", "chunked").add("X-Spoof", "kept");
        ForwardingPlan plan = plan(backend.port(), "POST", "/app/a/../b?q=/../../x&next=http://evil/", headers);

        assertThat(send(client(), plan, headers, "hello").status()).isEqualTo(200);

        RawBackend.Received received = backend.next();
        assertThat(received.requestLine()).isEqualTo("POST /base/b?q=/../../x&next=http://evil/ HTTP/1.1");
        assertThat(received.fields("Host")).containsExactly("127.0.0.1:" + backend.port());
        assertThat(received.fields("Content-Length")).containsExactly("5");
        assertThat(received.fields("Transfer-Encoding")).as("the client's framing never goes upstream").isEmpty();
        assertThat(received.fields("Accept")).containsExactly("text/plain");
        assertThat(received.fields("X-Forwarded-For")).containsExactly("198.51.100.7");
        assertThat(received.bodyText()).isEqualTo("hello");
    }

    @Test
    void request_withoutALength_goesChunked_andAnEmptyOneSaysZero() throws Exception {
        RawBackend backend = closing(RawBackend.ok());
        UpstreamClient client = client();
        send(client, plan(backend.port(), "POST", "/app/x", MapHeaders.of()), MapHeaders.of(), "streamed");
        RawBackend.Received chunked = backend.next();
        assertThat(chunked.fields("Transfer-Encoding")).containsExactly("chunked");
        assertThat(chunked.fields("Content-Length")).isEmpty();
        assertThat(chunked.bodyText()).isEqualTo("8\r\nstreamed\r\n0\r\n\r\n");

        MapHeaders empty = MapHeaders.of("Content-Length", "0");
        send(client, plan(backend.port(), "POST", "/app/x", empty), empty, null);
        assertThat(backend.next().fields("Content-Length")).containsExactly("0");
        get(client, backend.port(), "/app/x");
        assertThat(backend.next().fields("Content-Length")).isEmpty();
    }

    @Test
    void answers_framedByLengthOrChunks_arePassedOn_andTheConnectionIsReused() throws Exception {
        List<String> answers = new ArrayList<>(List.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: a\r\n\r\nfirst",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive, X-Private\r\n"
                        + "X-Private: p\r\n\r\n6;ext=1\r\nsecond\r\n0\r\nTrailer: t\r\n\r\n",
                "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
        RawBackend backend = closing(new RawBackend(request -> RawBackend.answer(answers.removeFirst())));
        UpstreamClient client = client();

        Answer first = get(client, backend.port(), "/app/1");
        assertThat(first.body()).isEqualTo("first");
        assertThat(first.header("Content-Length")).isEqualTo("5");
        Answer second = get(client, backend.port(), "/app/2");
        assertThat(second.body()).isEqualTo("second");
        assertThat(second.header("X-Private")).as("named in Connection").isNull();
        assertThat(second.header("Transfer-Encoding")).isNull();
        assertThat(get(client, backend.port(), "/app/3").status()).isEqualTo(201);
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void anAnswerRunningUntilClose_isPassedOn_andItsConnectionNotReused() throws Exception {
        RawBackend backend = closing(new RawBackend(request -> RawBackend.answer(
                "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end")));
        UpstreamClient client = client();

        assertThat(get(client, backend.port(), "/app/1").body()).isEqualTo("until the end");
        assertThat(get(client, backend.port(), "/app/2").body()).isEqualTo("until the end");
        assertThat(backend.connections()).isEqualTo(2);
    }

    @Test
    void bodylessAnswers_headNoContentNotModified_readNoBody_andKeepTheConnection() throws Exception {
        List<String> answers = new ArrayList<>(List.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
                "HTTP/1.1 204 No Content\r\n\r\n",
                "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\nETag: \"e\"\r\n\r\n",
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        RawBackend backend = closing(new RawBackend(request -> RawBackend.answer(answers.removeFirst())));
        UpstreamClient client = client();

        Answer head = send(client, plan(backend.port(), "HEAD", "/app/x", MapHeaders.of()), MapHeaders.of(), null);
        assertThat(head.header("Content-Length")).as("describes the body a GET gets").isEqualTo("1000");
        assertThat(head.body()).isEmpty();
        assertThat(get(client, backend.port(), "/app/x").status()).isEqualTo(204);
        Answer notModified = get(client, backend.port(), "/app/x");
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("ETag")).isEqualTo("\"e\"");
        Answer afterInterim = get(client, backend.port(), "/app/x");
        assertThat(afterInterim.status()).as("1xx answers are skipped").isEqualTo(200);
        assertThat(afterInterim.body()).isEqualTo("ok");
        assertThat(backend.connections()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!",
        "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nX-A: a\r\n folded\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n"})
    void ambiguousAnswers_are502_andTheirConnectionIsClosed(String answer) throws Exception {
        RawBackend backend = closing(new RawBackend(request -> RawBackend.answer(answer)));

        assertThatThrownBy(() -> get(client(), backend.port(), "/app/x")).isInstanceOfSatisfying(
                UpstreamException.class, e -> assertThat(e.rejection().status()).isEqualTo(502));
        awaitClosed(backend, 1);
    }

    @Test
    void anOversizedAnswerHead_is502() throws Exception {
        RawBackend backend = closing(new RawBackend(request -> RawBackend.answer(
                "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(70_000) + "\r\nContent-Length: 0\r\n\r\n")));

        assertThatThrownBy(() -> get(client(), backend.port(), "/app/x")).isInstanceOf(UpstreamException.class);
    }

    @Test
    void aBadChunkAfterTheAnswerStarted_breaksTheStream_andClosesTheConnection() throws Exception {
        RawBackend backend = closing(new RawBackend(request -> RawBackend.answer(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\nbad\r\n0\r\n\r\n")));

        assertThatThrownBy(() -> get(client(), backend.port(), "/app/x")).isInstanceOf(IOException.class)
                .isNotInstanceOf(UpstreamException.class);
        awaitClosed(backend, 1);
    }

    @Test
    void aStalePooledConnection_isRetriedForAGet_butNotForAStreamedPost() throws Exception {
        RawBackend backend = closing(RawBackend.ok());
        UpstreamClient client = client();
        assertThat(get(client, backend.port(), "/app/1").status()).isEqualTo(200);
        backend.closeConnections(); // as a backend's own keep-alive timeout does, without a word

        assertThat(get(client, backend.port(), "/app/2").status()).isEqualTo(200);
        assertThat(backend.connections()).isEqualTo(2);

        backend.closeConnections();
        MapHeaders streamed = MapHeaders.of("Content-Length", "4");
        assertThatThrownBy(() -> send(client, plan(backend.port(), "POST", "/app/3", streamed), streamed, "body"))
                .isInstanceOf(UpstreamException.class);
    }

    @Test
    void bytesNobodyAskedFor_closeThePooledConnection_andAreNeverReadAsTheNextAnswer() throws Exception {
        RawBackend backend = closing(new RawBackend(request -> RawBackend.answer(
                request.requestLine().startsWith("GET /base/1 ")
                        ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray"
                        : "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmine")));
        UpstreamClient client = client();

        assertThat(get(client, backend.port(), "/app/1").body()).isEqualTo("ok");
        assertThat(get(client, backend.port(), "/app/2").body()).as("not the stray tail of the first answer")
                .isEqualTo("mine");
        backend.sendUnasked("HTTP/1.1 408 Request Timeout\r\nContent-Length: 5\r\n\r\nstray");
        sleep(200); // loopback delivers it at once; this leaves room for a slow machine
        Answer third = get(client, backend.port(), "/app/3");

        assertThat(third.status()).as("not the answer that came while the connection was idle").isEqualTo(200);
        assertThat(third.body()).isEqualTo("mine");
        assertThat(backend.connections()).as("a new connection after each stray answer").isEqualTo(3);
    }

    @Test
    void idleConnections_areClosedAfterTheIdleTimeout() throws Exception {
        RawBackend backend = closing(RawBackend.ok());
        UpstreamClient client = client("{ read-timeout: 2s, idle-timeout: 200ms }");
        get(client, backend.port(), "/app/1");

        awaitClosed(backend, 1);
        get(client, backend.port(), "/app/2");
        assertThat(backend.connections()).isEqualTo(2);
    }

    @Test
    void noAnswerWithinTheReadTimeout_is504_andARefusedConnection502() throws Exception {
        RawBackend silent = closing(new RawBackend(request -> {
            sleep(3000);
            return null;
        }));
        assertThatThrownBy(() -> get(client("{ read-timeout: 300ms }"), silent.port(), "/app/x"))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.rejection().status()).isEqualTo(504));

        int closedPort;
        try (ServerSocket gone = new ServerSocket(0)) {
            closedPort = gone.getLocalPort();
        }
        assertThatThrownBy(() -> get(client(), closedPort, "/app/x"))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.rejection().status()).isEqualTo(502));
    }

    @Test
    void aClientThatGoesAway_closesTheUpstreamConnection_ratherThanPoolingIt() throws Exception {
        RawBackend backend = closing(new RawBackend(request -> RawBackend.answer(
                "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(100_000))));
        UpstreamClient client = client();
        assertThatThrownBy(() -> client.exchange(plan(backend.port(), "GET", "/app/x", MapHeaders.of()),
                MapHeaders.of(), null, (status, headers) -> new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("the client went away");
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        throw new IOException("the client went away");
                    }
                })).isInstanceOf(IOException.class).hasMessageContaining("went away");

        awaitClosed(backend, 1);
    }

    @Test
    void anEarlyAnswer_whileTheBodyIsStillGoingOut_isPassedOn() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    for (int matched = 0; matched < 4; ) {
                        int b = in.read();
                        matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                    }
                    socket.getOutputStream().write(("HTTP/1.1 413 Content Too Large\r\nContent-Length: 3\r\n"
                            + "Connection: close\r\n\r\nbig").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    // A lingering close, as nginx and Apache httpd do: read and drop what still comes, then close.
                    socket.setSoTimeout(5000);
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // done
                }
            });
            long size = 64L * 1024 * 1024;
            MapHeaders headers = MapHeaders.of("Content-Length", Long.toString(size));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            int[] status = new int[1];
            client().exchange(plan(server.getLocalPort(), "POST", "/app/upload", headers), headers,
                    filler(size), (code, fields) -> {
                        status[0] = code;
                        return received;
                    });
            assertThat(status[0]).isEqualTo(413);
            assertThat(received.toString(StandardCharsets.US_ASCII)).isEqualTo("big");
        }
    }

    @Test
    void aBackendThatStopsReadingTheBody_isGivenUpOnAfterTheReadTimeout_as504() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch done = new CountDownLatch(1);
            CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    done.await(20, TimeUnit.SECONDS); // reads nothing, answers nothing, closes nothing
                } catch (IOException | InterruptedException e) {
                    // done
                }
            });
            long size = 256L * 1024 * 1024;
            MapHeaders headers = MapHeaders.of("Content-Length", Long.toString(size));
            try {
                assertThatThrownBy(() -> client("{ read-timeout: 500ms }").exchange(plan(server.getLocalPort(),
                        "POST", "/app/upload", headers), headers, filler(size),
                        (code, fields) -> OutputStream.nullOutputStream()))
                        .isInstanceOfSatisfying(UpstreamException.class,
                                e -> assertThat(e.rejection().status()).isEqualTo(504));
            } finally {
                done.countDown();
            }
        }
    }

    @Test
    void atTheConnectionLimit_requestsWaitTheirTurn_andGet503AfterTheQueueTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RawBackend backend = closing(new RawBackend(request -> {
            if (request.requestLine().contains("/held")) {
                await(release);
            }
            return RawBackend.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }));
        UpstreamClient client = client("{ max-connections-per-backend: 1, queue-timeout: 300ms }");
        CompletableFuture<Answer> held = CompletableFuture.supplyAsync(() -> {
            try {
                return get(client, backend.port(), "/app/held");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        backend.next();

        assertThatThrownBy(() -> get(client, backend.port(), "/app/waiting")).isInstanceOfSatisfying(
                UpstreamException.class, e -> assertThat(e.rejection().status()).isEqualTo(503));
        release.countDown();
        assertThat(held.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(get(client, backend.port(), "/app/after").status()).isEqualTo(200);
    }

    /** A request body of {@code size} bytes, made as it is read (the array's contents do not matter). */
    private static Supplier<InputStream> filler(long size) {
        return () -> new InputStream() {
            private long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                left -= n;
                return n;
            }
        };
    }

    private static void awaitClosed(RawBackend backend, int count) throws InterruptedException {
        for (int i = 0; i < 100 && backend.closedByPeer() < count; i++) {
            Thread.sleep(50);
        }
        assertThat(backend.closedByPeer()).as("connections the gateway closed").isEqualTo(count);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
