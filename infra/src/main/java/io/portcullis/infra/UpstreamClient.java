package io.portcullis.infra;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Header;
import io.portcullis.core.RequestHeaders;
import io.portcullis.core.net.HopByHop;
import io.portcullis.core.route.Backends;
import io.portcullis.core.route.Upstream;
import io.portcullis.core.route.UpstreamProxy;
import io.portcullis.core.route.UpstreamTls;
import io.helidon.common.tls.Tls;
import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Carries out a {@link ForwardingPlan} against the backend with Helidon's WebClient, streaming both bodies: the
 * request body is copied to the backend as it arrives, the response body to the sink as it comes back. Nothing
 * is buffered whole, so memory does not grow with body size.
 *
 * <p>Redirects are passed to the client, never followed; content encodings are passed through untouched.
 */
public final class UpstreamClient {
    /**
     * Bytes asked for per read. Helidon's client answers each read with a fresh buffer of the size asked for, so a
     * large one costs on every small response: on 2 cores, 4 KiB gave 70k small responses/s, 64 KiB 40k.
     */
    private static final int BUFFER_BYTES = 4096;
    /** Largest request body kept to be replayed to another backend. */
    static final int REPLAY_LIMIT = 64 * 1024;
    /** Answers that mean the backend (or something in front of it) failed, rather than the application. */
    private static final Set<Integer> GATEWAY_ERRORS = Set.of(502, 503, 504);
    private static final System.Logger LOG = System.getLogger(UpstreamClient.class.getName());

    /** Where the backend's answer goes: the shell writes status and headers, then returns the body stream. */
    @FunctionalInterface
    public interface ResponseSink {
        OutputStream start(int status, List<Header> headers) throws IOException;
    }

    private final Http1Client client;
    private final Map<UpstreamProxy, io.helidon.webclient.api.Proxy> proxies = new ConcurrentHashMap<>();
    /**
     * Weak keys: a configuration reload brings routes with new TLS material (a new context), and the old entries
     * go once the gateway that held them is gone.
     */
    private final Map<UpstreamTls, Tls> tlsSettings = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * The HTTP/1.1 client itself rather than the generic {@code WebClient}: the generic one looks up the protocol
     * per request behind a lock, which caps a busy gateway far below its backends.
     */
    public UpstreamClient(Duration connectTimeout, Duration readTimeout) {
        HelidonMappers.pinGlobal();
        this.client = Http1Client.builder()
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .followRedirects(false)
                .proxy(Proxy.noProxy())
                // Routes with a proxy reach their backend through a CONNECT tunnel (Helidon tunnels http too),
                // inside which the request line is in origin form, as for a direct connection.
                .relativeUris(true)
                .sendExpectContinue(false)
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .build();
    }

    /**
     * Sends the planned request with the client's headers and body, and streams the answer into {@code sink}.
     * Where the plan allows failover, a backend that cannot be reached, times out or answers 502/503/504 is
     * followed by the next target (its answer is dropped); the last target's answer is passed on whatever it is.
     * Every backend's outcome feeds the route's passive health. A request body is replayed to the next backend
     * only when it fits in {@value #REPLAY_LIMIT} bytes; a larger one is streamed to the first backend only.
     *
     * @param body the request body, or {@code null} when the request has none
     * @throws UpstreamException when no backend could be reached or answered in time, before anything was
     *     written to the sink
     * @throws IOException when the client goes away, or the backend breaks off after the answer has started
     */
    public void exchange(ForwardingPlan plan, RequestHeaders clientHeaders, Supplier<InputStream> body,
            ResponseSink sink) throws UpstreamException, IOException {
        Backends backends = plan.route().upstream().backends();
        Body replay = Body.of(plan.body().<Supplier<InputStream>>map(bytes -> bytes.length == 0 ? null
                : () -> new ByteArrayInputStream(bytes)).orElse(body), plan.failover());
        List<ForwardingPlan.Target> targets = plan.targets();
        for (int i = 0; ; i++) {
            ForwardingPlan.Target target = targets.get(i);
            boolean last = i == targets.size() - 1 || !plan.failover() || !replay.repeatable();
            Http1ClientResponse response;
            try {
                response = send(plan, target, clientHeaders, replay.stream());
            } catch (UpstreamException e) {
                backends.failed(target.backend());
                if (last) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; trying the next backend");
                continue;
            }
            int status = response.status().code();
            if (GATEWAY_ERRORS.contains(status)) {
                backends.failed(target.backend());
                if (!last) {
                    LOG.log(System.Logger.Level.WARNING, target.backend().base().getRawAuthority() + " answered "
                            + status + "; trying the next backend");
                    response.close();
                    continue;
                }
            } else {
                backends.succeeded(target.backend());
            }
            deliver(plan, response, sink);
            return;
        }
    }

    private Http1ClientResponse send(ForwardingPlan plan, ForwardingPlan.Target target, RequestHeaders clientHeaders,
            Supplier<InputStream> body) throws UpstreamException {
        // The target is already encoded exactly as the client sent it: no decoding, no second encoding.
        Http1ClientRequest request = client.method(Method.create(plan.method()))
                .uri(target.uri())
                .skipUriEncoding(true);
        Upstream upstream = plan.route().upstream();
        upstream.proxy().ifPresent(proxy -> request.proxy(proxies.computeIfAbsent(proxy, UpstreamClient::helidonProxy)));
        upstream.tls().ifPresent(tls -> request.tls(tlsSettings.computeIfAbsent(tls,
                settings -> Tls.builder().sslContext(settings.context()).build())));
        var headers = request.headers();
        clientHeaders.forEach((name, value) -> {
            if (plan.forwardsRequestHeader(name)) {
                headers.add(HeaderNames.create(name), value);
            }
        });
        plan.addHeaders().forEach(header -> headers.set(HeaderNames.create(header.name()), header.value()));
        try {
            return body == null ? request.request() : request.outputStream(out -> {
                try (InputStream in = body.get()) {
                    copy(in, out, false);
                }
                out.close();
            });
        } catch (UncheckedIOException | IllegalStateException e) {
            throw classify(target, e);
        }
    }

    /**
     * Streams the answer. One without a length (chunked: server-sent events, long polls) is flushed after every
     * read, so each event reaches the client when it leaves the backend rather than when a buffer fills.
     */
    private static void deliver(ForwardingPlan plan, Http1ClientResponse response, ResponseSink sink)
            throws IOException {
        try (response) {
            boolean streamed = response.headers().contentLength().isEmpty();
            OutputStream out = sink.start(response.status().code(), responseHeaders(plan, response));
            try (InputStream in = response.inputStream()) {
                copy(in, out, streamed);
            }
            out.close();
        }
    }

    private static io.helidon.webclient.api.Proxy helidonProxy(UpstreamProxy proxy) {
        var builder = io.helidon.webclient.api.Proxy.builder()
                .type(io.helidon.webclient.api.Proxy.ProxyType.HTTP)
                .host(proxy.host())
                .port(proxy.port());
        proxy.username().ifPresent(builder::username);
        proxy.password().ifPresent(password -> builder.password(password.toCharArray()));
        return builder.build();
    }

    private static List<Header> responseHeaders(ForwardingPlan plan, Http1ClientResponse response) {
        var upstream = response.headers();
        Set<String> listed = HopByHop.connectionListed(upstream.all(HeaderNames.CONNECTION, List::of));
        List<Header> headers = new ArrayList<>();
        for (io.helidon.http.Header header : upstream) {
            HeaderName name = header.headerName();
            if (ForwardingPlan.returnsResponseHeader(name.defaultCase(), listed)
                    && !plan.replacesResponseHeader(name.defaultCase())) {
                for (String value : header.allValues()) {
                    headers.add(new Header(name.defaultCase(), value));
                }
            }
        }
        headers.addAll(plan.responseHeaders());
        return headers;
    }

    private static void copy(InputStream in, OutputStream out, boolean flushEachRead) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            if (flushEachRead) {
                out.flush();
            }
        }
    }

    private static UpstreamException classify(ForwardingPlan.Target target, RuntimeException e) {
        String authority = target.backend().base().getRawAuthority();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return new UpstreamException(UpstreamException.Kind.TIMEOUT,
                        "no answer from " + authority + " in time", e);
            }
        }
        return new UpstreamException(UpstreamException.Kind.UNREACHABLE,
                "cannot reach " + authority + ": " + e.getMessage(), e);
    }

    /**
     * A request body that can be sent again to the next backend when it was small enough to keep; otherwise the
     * client's stream, sent once.
     */
    private record Body(Supplier<InputStream> stream, boolean repeatable) {
        static Body of(Supplier<InputStream> body, boolean failover) {
            if (body == null) {
                return new Body(null, true);
            }
            if (!failover) {
                return new Body(body, false);
            }
            InputStream in = body.get();
            try {
                byte[] head = in.readNBytes(REPLAY_LIMIT + 1);
                if (head.length <= REPLAY_LIMIT) {
                    in.close();
                    return new Body(() -> new ByteArrayInputStream(head), true);
                }
                return new Body(() -> new SequenceInputStream(new ByteArrayInputStream(head), in), false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
