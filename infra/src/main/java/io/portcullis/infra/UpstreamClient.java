package io.portcullis.infra;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Header;
import io.portcullis.core.RequestHeaders;
import io.portcullis.core.net.HopByHop;
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
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Where the backend's answer goes: the shell writes status and headers, then returns the body stream. */
    @FunctionalInterface
    public interface ResponseSink {
        OutputStream start(int status, List<Header> headers) throws IOException;
    }

    private final WebClient client;

    public UpstreamClient(Duration connectTimeout, Duration readTimeout) {
        this.client = WebClient.builder()
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .followRedirects(false)
                .proxy(Proxy.noProxy())
                .sendExpectContinue(false)
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .build();
    }

    /**
     * Sends the planned request with the client's headers and body, and streams the answer into {@code sink}.
     *
     * @param body the request body, or {@code null} when the request has none
     * @throws UpstreamException when the backend cannot be reached or does not answer in time, before anything
     *     was written to the sink
     * @throws IOException when the client goes away, or the backend breaks off after the answer has started
     */
    public void exchange(ForwardingPlan plan, RequestHeaders clientHeaders, Supplier<InputStream> body,
            ResponseSink sink) throws UpstreamException, IOException {
        // The target is already encoded exactly as the client sent it: no decoding, no second encoding.
        HttpClientRequest request = client.method(Method.create(plan.method()))
                .uri(plan.target())
                .skipUriEncoding(true);
        var headers = request.headers();
        clientHeaders.forEach((name, value) -> {
            if (plan.forwardsRequestHeader(name)) {
                headers.add(HeaderNames.create(name), value);
            }
        });
        plan.addHeaders().forEach(header -> headers.set(HeaderNames.create(header.name()), header.value()));

        HttpClientResponse response;
        try {
            response = body == null ? request.request() : request.outputStream(out -> {
                try (InputStream in = body.get()) {
                    copy(in, out);
                }
                out.close();
            });
        } catch (UncheckedIOException | IllegalStateException e) {
            throw classify(plan, e);
        }
        try (response) {
            OutputStream out = sink.start(response.status().code(), responseHeaders(plan, response));
            try (InputStream in = response.inputStream()) {
                copy(in, out);
            }
            out.close();
        }
    }

    private static List<Header> responseHeaders(ForwardingPlan plan, HttpClientResponse response) {
        var upstream = response.headers();
        Set<String> listed = HopByHop.connectionListed(upstream.all(HeaderNames.CONNECTION, List::of));
        List<Header> headers = new ArrayList<>();
        for (io.helidon.http.Header header : upstream) {
            HeaderName name = header.headerName();
            if (ForwardingPlan.returnsResponseHeader(name.defaultCase(), listed)) {
                for (String value : header.allValues()) {
                    headers.add(new Header(name.defaultCase(), value));
                }
            }
        }
        headers.addAll(plan.responseHeaders());
        return headers;
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
    }

    private static String authority(ForwardingPlan plan) {
        return plan.route().target().getRawAuthority();
    }

    private static UpstreamException classify(ForwardingPlan plan, RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return new UpstreamException(UpstreamException.Kind.TIMEOUT,
                        "no answer from " + authority(plan) + " in time", e);
            }
        }
        return new UpstreamException(UpstreamException.Kind.UNREACHABLE,
                "cannot reach " + authority(plan) + ": " + e.getMessage(), e);
    }
}
