package io.portcullis.infra;

import io.portcullis.core.route.UpstreamProxy;
import io.portcullis.core.route.UpstreamTls;
import io.portcullis.infra.http1.HeadParser;
import io.portcullis.infra.http1.Http1Input;
import io.portcullis.infra.http1.Http1Output;
import io.portcullis.infra.http1.ResponseHead;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Opens connections to backends: plain TCP, TLS (SNI, host name verified, the route's CAs and client certificate),
 * and either through an HTTP proxy: {@code http} backends by sending requests in absolute form to the proxy,
 * {@code https} backends through a {@code CONNECT} tunnel with TLS inside it (RFC 9110 §9.3.6).
 */
final class Dialer {
    /** The proxy's answer to CONNECT: a head only. */
    private static final HeadParser.Limits CONNECT_LIMITS = new HeadParser.Limits(8192, 16384, 64);

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;

    Dialer(int connectTimeoutMillis, int readTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /**
     * Where connections go and how: one pool per key.
     *
     * @param host the host name or address, an IPv6 address without brackets
     * @param authority {@code host[:port]} as written in the backend's URI: the {@code Host} field and the target
     *     of {@code CONNECT}
     */
    record Key(boolean https, String host, int port, String authority, Optional<UpstreamProxy> proxy,
            Optional<UpstreamTls> tls) {
        /** Whether requests go to a proxy in absolute form: an {@code http} backend behind a proxy. */
        boolean absoluteForm() {
            return proxy.isPresent() && !https;
        }
    }

    UpstreamConnection connect(Key key) throws IOException {
        Socket socket = open(key);
        try {
            return new UpstreamConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A connected socket to the backend (TLS done; through the proxy's tunnel for https behind a proxy). */
    Socket open(Key key) throws IOException {
        String host = key.proxy().map(UpstreamProxy::host).orElse(key.host());
        int port = key.proxy().map(UpstreamProxy::port).orElse(key.port());
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            if (key.https()) {
                if (key.proxy().isPresent()) {
                    tunnel(socket, key);
                }
                socket = tls(socket, key);
            }
            socket.setSoTimeout(readTimeoutMillis);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Asks the proxy for a tunnel to the backend; anything but a 2xx answer is a refusal. */
    private void tunnel(Socket socket, Key key) throws IOException {
        socket.setSoTimeout(connectTimeoutMillis);
        Http1Output out = new Http1Output(socket.getOutputStream(), 1024);
        out.writeLatin1("CONNECT " + key.authority() + " HTTP/1.1\r\n");
        out.writeField("Host", key.authority());
        Optional<String> credentials = proxyAuthorization(key.proxy().orElseThrow());
        if (credentials.isPresent()) {
            out.writeField("Proxy-Authorization", credentials.get());
        }
        out.writeCrlf();
        out.flush();
        ResponseHead answer;
        try {
            answer = HeadParser.response(new Http1Input(socket.getInputStream(), 1024, 16384), CONNECT_LIMITS);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("the proxy did not answer CONNECT in time");
        }
        if (answer.status() / 100 != 2) {
            throw new IOException("the proxy refused the tunnel to " + key.authority() + ": " + answer.status());
        }
        // A 2xx to CONNECT has no body: the tunnel starts right after the head (RFC 9110 §9.3.6).
    }

    private SSLSocket tls(Socket socket, Key key) throws IOException {
        SSLContext context;
        try {
            context = key.tls().isPresent() ? key.tls().get().context() : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no TLS available", e);
        }
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, key.host(), key.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(key.host())) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(key.host())));
            } catch (IllegalArgumentException notAHostName) {
                // a name SNI cannot carry (an underscore, say): the handshake goes without it
            }
        }
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(connectTimeoutMillis);
        tls.startHandshake();
        return tls;
    }

    /** IP addresses are never sent as SNI (RFC 6066 §3). */
    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    }

    /** {@code Basic} credentials for the proxy, when it has any. */
    static Optional<String> proxyAuthorization(UpstreamProxy proxy) {
        return proxy.username().map(user -> "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + proxy.password().orElse("")).getBytes(StandardCharsets.UTF_8)));
    }
}
