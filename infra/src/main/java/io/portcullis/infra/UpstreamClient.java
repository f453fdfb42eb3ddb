package io.portcullis.infra;

import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Header;
import io.portcullis.core.RequestHeaders;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.route.Backends;
import io.portcullis.core.route.Upstream;
import io.portcullis.infra.http1.Bodies;
import io.portcullis.infra.http1.Framing;
import io.portcullis.infra.http1.HeadParser;
import io.portcullis.infra.http1.MalformedHttpException;
import io.portcullis.infra.http1.ResponseHead;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The upstream leg: carries out a {@link ForwardingPlan} over HTTP/1.1 on the calling thread (a virtual thread per
 * request in the server), on keep-alive connections pooled per backend, streaming both bodies through one buffer
 * each way, so memory does not grow with body size.
 *
 * <p>The request that goes upstream is exactly the plan's: its method, its request target byte for byte (never
 * parsed or resolved again), {@code Host} the backend's authority, the client fields the plan keeps, the fields it
 * adds, and framing the leg writes itself ({@code Content-Length} for a body of known length, chunked otherwise;
 * never the client's own framing fields). The answer is read as strictly as a client's request
 * ({@link HeadParser}, {@link Framing}): framing that could be read two ways is a 502 and the connection is not
 * reused. Redirects are passed to the client, never followed; content encodings pass through untouched.
 */
public final class UpstreamClient implements AutoCloseable {
    /** Largest request body kept to be replayed to another backend. */
    static final int REPLAY_LIMIT = 64 * 1024;
    /** Answers that mean the backend (or something in front of it) failed, rather than the application. */
    private static final Set<Integer> GATEWAY_ERRORS = Set.of(502, 503, 504);
    /** Methods that may be sent again on a fresh connection when a pooled one turns out to be closed. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");
    private static final HeadParser.Limits ANSWER_LIMITS = new HeadParser.Limits(8192,
            UpstreamConnection.MAX_HEAD_BYTES, 256);
    private static final int COPY_BYTES = 16 * 1024;
    private static final Duration SWEEP_TICK = Duration.ofMillis(250);
    private static final System.Logger LOG = System.getLogger(UpstreamClient.class.getName());

    /** Where the backend's answer goes: the shell writes status and headers, then returns the body stream. */
    @FunctionalInterface
    public interface ResponseSink {
        OutputStream start(int status, List<Header> headers) throws IOException;
    }

    private final GatewayConfig.Upstream settings;
    private final Dialer dialer;
    private final ConcurrentHashMap<Dialer.Key, BackendPool> pools = new ConcurrentHashMap<>();
    private final Thread sweeper;
    /** Connections serving a request now: the sweeper closes one whose body write got stuck. */
    private final java.util.Set<UpstreamConnection> busy = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** @param settings timeouts, and the per-backend bound on connections in flight */
    public UpstreamClient(GatewayConfig.Upstream settings) {
        this.settings = settings;
        this.dialer = new Dialer(millis(settings.connectTimeout()), millis(settings.readTimeout()));
        this.sweeper = Thread.ofVirtual().name("portcullis-upstream-sweeper").start(this::sweep);
    }

    /**
     * Sends the planned request with the client's headers and body, and streams the answer into {@code sink}.
     * Where the plan allows failover, a backend that cannot be reached, times out or answers 502/503/504 is
     * followed by the next target (its answer is dropped); the last target's answer is passed on whatever it is.
     * Every backend's outcome feeds the route's passive health. A request body is replayed to the next backend
     * only when it fits in {@value #REPLAY_LIMIT} bytes; a larger one is streamed to the first backend only.
     *
     * @param clientHeaders the client's request fields; its {@code Content-Length}, when it has one, is the length
     *     of {@code body} (otherwise the body goes upstream chunked)
     * @param body the request body, or {@code null} when the request has none
     * @throws UpstreamException when no backend could be reached or answered in time, before anything was
     *     written to the sink
     * @throws ClientBodyException when the client's request body broke off or broke the framing rules
     * @throws IOException when the client goes away, or the backend breaks off after the answer has started
     */
    public void exchange(ForwardingPlan plan, RequestHeaders clientHeaders, Supplier<InputStream> body,
            ResponseSink sink) throws UpstreamException, IOException {
        Upstream upstream = plan.route().upstream();
        Backends backends = upstream.backends();
        long declared = plan.body().map(bytes -> (long) bytes.length).orElseGet(() -> declaredLength(clientHeaders));
        RequestBody replay = RequestBody.of(plan.body().<Supplier<InputStream>>map(bytes -> bytes.length == 0 ? null
                : () -> new ByteArrayInputStream(bytes)).orElse(body), declared, plan.failover());
        List<ForwardingPlan.Target> targets = plan.targets();
        for (int i = 0; ; i++) {
            ForwardingPlan.Target target = targets.get(i);
            boolean last = i == targets.size() - 1 || !plan.failover() || !replay.repeatable();
            Exchange exchange;
            try {
                exchange = new Exchange(plan, target, key(target, upstream), replay);
                exchange.send(clientHeaders);
            } catch (UpstreamException e) {
                backends.failed(target.backend());
                if (last) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; trying the next backend");
                continue;
            }
            int status = exchange.status();
            if (GATEWAY_ERRORS.contains(status)) {
                backends.failed(target.backend());
                if (!last) {
                    LOG.log(System.Logger.Level.WARNING, target.backend().base().getRawAuthority() + " answered "
                            + status + "; trying the next backend");
                    exchange.abandon();
                    continue;
                }
            } else {
                backends.succeeded(target.backend());
            }
            exchange.deliver(sink);
            return;
        }
    }

    /**
     * A new connection to {@code target}, not pooled: for a protocol switch (WebSocket) that will own it. TLS and
     * the route's client certificate as for every request; the read timeout set.
     *
     * @throws IOException when it cannot be made; for an {@code http} backend behind a proxy, always (a protocol
     *     switch is not sent through a proxy's absolute-form requests)
     */
    public java.net.Socket connect(ForwardingPlan.Target target, Upstream upstream) throws IOException {
        Dialer.Key key = key(target, upstream);
        if (key.absoluteForm()) {
            throw new IOException("an http backend behind a proxy cannot take a protocol switch");
        }
        return dialer.open(key);
    }

    /** One request on one backend: a turn in its pool, a connection, the request out, the answer's head in. */
    private final class Exchange {
        private final ForwardingPlan plan;
        private final ForwardingPlan.Target target;
        private final BackendPool pool;
        private final Dialer.Key key;
        private final RequestBody body;
        private UpstreamConnection connection;
        private ResponseHead head;
        private Framing framing;
        /** Whether the whole request body went out (an early answer can cut it short). */
        private boolean requestComplete;
        private boolean holdsTurn;

        Exchange(ForwardingPlan plan, ForwardingPlan.Target target, Dialer.Key key, RequestBody body) {
            this.plan = plan;
            this.target = target;
            this.pool = pool(key);
            this.key = key;
            this.body = body;
        }

        int status() {
            return head.status();
        }

        void send(RequestHeaders clientHeaders) throws UpstreamException, ClientBodyException {
            String authority = target.backend().base().getRawAuthority();
            try {
                if (!pool.acquire(settings.queueTimeout().toNanos())) {
                    throw new UpstreamException(UpstreamException.Kind.BUSY, "every connection to " + authority
                            + " stayed busy for " + settings.queueTimeout().toMillis() + " ms", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, "interrupted waiting for "
                        + authority, e);
            }
            holdsTurn = true;
            try {
                for (int attempt = 0; ; attempt++) {
                    connection = pool.poll(System.nanoTime(), settings.idleTimeout().toNanos());
                    while (connection != null && unsolicited(connection)) {
                        connection.close();
                        connection = pool.poll(System.nanoTime(), settings.idleTimeout().toNanos());
                    }
                    if (connection == null) {
                        connection = dialer.connect(key);
                    }
                    connection.begin();
                    try {
                        busy.add(connection);
                        requestComplete = RequestWriter.write(connection, plan, target, key, clientHeaders, body,
                                settings.readTimeout().toNanos());
                        head = readHead();
                        if (head.status() == 407 && key.absoluteForm()) {
                            // The proxy refused the gateway's own credentials: not the client's to answer.
                            throw new MalformedHttpException("the proxy refused the gateway's credentials (407)");
                        }
                        framing = Framing.ofResponse(head, plan.method());
                        return;
                    } catch (SocketTimeoutException | MalformedHttpException | ClientBodyException e) {
                        throw e;
                    } catch (IOException e) {
                        // A pooled connection the backend closed meanwhile: try once more on a new one, when
                        // sending the request again cannot do anything twice.
                        boolean stale = connection.reused() && attempt == 0 && IDEMPOTENT.contains(plan.method())
                                && body.repeatable();
                        drop();
                        if (!stale) {
                            throw e;
                        }
                    }
                }
            } catch (ClientBodyException e) {
                fail();
                throw e;
            } catch (SocketTimeoutException e) {
                fail();
                throw new UpstreamException(UpstreamException.Kind.TIMEOUT, "no answer from " + authority
                        + " in time", e);
            } catch (MalformedHttpException e) {
                fail();
                throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, "unusable answer from " + authority
                        + ": " + e.getMessage(), e);
            } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                fail();
                throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, "cannot reach " + authority + ": "
                        + e.getMessage(), e);
            }
        }

        /** The answer's head, past any 1xx interim answers (100 Continue, 103 Early Hints: not passed on). */
        private ResponseHead readHead() throws IOException {
            while (true) {
                ResponseHead answer = HeadParser.response(connection.in(), ANSWER_LIMITS);
                if (answer.status() == 101) {
                    throw new MalformedHttpException("101 Switching Protocols to a request that did not ask for it");
                }
                if (answer.status() >= 200) {
                    return answer;
                }
            }
        }

        /**
         * Streams the answer to the client. The connection goes back to the pool only when both messages ended
         * as framed and neither side asked to close; a failure on either side closes it.
         */
        void deliver(ResponseSink sink) throws IOException {
            boolean reusable = false;
            try {
                List<Header> headers = ResponseFields.of(plan, head.headers(), framing);
                OutputStream out = sink.start(head.status(), headers);
                InputStream answer = Bodies.of(framing, connection.in(), ANSWER_LIMITS);
                // One without a length (chunked: server-sent events, long polls) goes on as each piece arrives.
                Bodies.copy(answer, out, copyBufferBytes(framing), framing.kind() != Framing.Kind.LENGTH);
                out.close();
                reusable = requestComplete && head.keepAlive() && Bodies.finished(answer)
                        && framing.kind() != Framing.Kind.UNTIL_CLOSE;
            } finally {
                finish(reusable);
            }
        }

        /** Drops the answer (failover moves on): the connection closes, its body unread. */
        void abandon() {
            finish(false);
        }

        private void fail() {
            finish(false);
        }

        /** Closes the connection; the exchange keeps its turn (a retry may follow). */
        private void drop() {
            busy.remove(connection);
            connection.close();
            connection = null;
        }

        private void finish(boolean reusable) {
            if (connection != null) {
                busy.remove(connection);
                // Bytes nobody asked for are looked for when the connection is taken again (send): looking here
                // too would cost a system call per request and catch nothing that check does not.
                if (reusable && !closed) {
                    pool.offer(connection, System.nanoTime());
                } else {
                    connection.close();
                }
                connection = null;
            }
            if (holdsTurn) {
                holdsTurn = false;
                pool.release();
            }
        }
    }

    /**
     * Whether the backend sent bytes nobody asked for (a body after an answer to HEAD, say): such a connection is
     * closed, or those bytes would be read as the next request's answer.
     */
    private static boolean unsolicited(UpstreamConnection connection) {
        try {
            return connection.answerWaiting();
        } catch (IOException e) {
            return true;
        }
    }

    private BackendPool pool(Dialer.Key key) {
        BackendPool pool = pools.get(key);
        return pool != null ? pool
                : pools.computeIfAbsent(key, k -> new BackendPool(settings.maxConnectionsPerBackend()));
    }

    private static Dialer.Key key(ForwardingPlan.Target target, Upstream upstream) {
        URI base = target.backend().base();
        boolean https = base.getScheme().equalsIgnoreCase("https");
        String host = base.getHost();
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = base.getPort() > 0 ? base.getPort() : https ? 443 : 80;
        return new Dialer.Key(https, host, port, base.getRawAuthority(), upstream.proxy(), upstream.tls());
    }

    /** The client's {@code Content-Length} (checked at the edge: one field of digits), or -1: chunked. */
    private static long declaredLength(RequestHeaders clientHeaders) {
        List<String> lengths = clientHeaders.all("Content-Length");
        if (lengths.size() == 1) {
            try {
                long length = Long.parseLong(lengths.get(0).strip());
                return length >= 0 ? length : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * A copy buffer no larger than the body: most answers are small and framed by length, and a 16 KB buffer for
     * each of them was over half of everything the proxy path allocated.
     */
    private static int copyBufferBytes(Framing framing) {
        return framing.kind() == Framing.Kind.LENGTH ? Math.clamp(framing.length(), 1, COPY_BYTES) : COPY_BYTES;
    }

    /**
     * Four times a second, closes a connection whose request body write has been stuck for the read timeout (a
     * backend that stopped reading, neither answering nor closing); every half idle timeout, closes idle
     * connections before backends do and forgets pools no route uses.
     */
    private void sweep() {
        long maxIdle = settings.idleTimeout().toNanos();
        long evictEvery = Math.max(SWEEP_TICK.toNanos(), maxIdle / 2);
        long lastEviction = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(SWEEP_TICK);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            busy.removeIf(connection -> connection.closeIfStuck(now));
            if (now - lastEviction >= evictEvery) {
                lastEviction = now;
                pools.forEach((key, pool) -> {
                    if (pool.evict(now, maxIdle)) {
                        pools.remove(key, pool);
                    }
                });
            }
        }
    }

    /** Closes every idle connection; requests in flight finish on theirs, which are then closed. */
    @Override
    public void close() {
        closed = true;
        sweeper.interrupt();
        pools.values().forEach(BackendPool::closeIdle);
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    /**
     * A request body: its length when known (-1: sent chunked), and whether it can be sent again (kept in memory
     * because it was small, or there is none).
     */
    record RequestBody(Supplier<InputStream> stream, long length, boolean repeatable) {
        static RequestBody of(Supplier<InputStream> body, long length, boolean failover) throws ClientBodyException {
            if (body == null) {
                return new RequestBody(null, length == 0 ? 0 : -1, true);
            }
            if (!failover) {
                return new RequestBody(body, length, false);
            }
            InputStream in = body.get();
            try {
                byte[] head = in.readNBytes(REPLAY_LIMIT + 1);
                if (head.length <= REPLAY_LIMIT) {
                    in.close();
                    return new RequestBody(() -> new ByteArrayInputStream(head), head.length, true);
                }
                return new RequestBody(() -> new SequenceInputStream(new ByteArrayInputStream(head), in), length,
                        false);
            } catch (IOException e) {
                throw new ClientBodyException(e);
            }
        }

        boolean present() {
            return stream != null;
        }
    }
}
