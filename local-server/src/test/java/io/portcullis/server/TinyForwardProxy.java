package io.portcullis.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A forward proxy on a real socket, as small as a test can have it: {@code CONNECT host:port} opens a tunnel
 * (Helidon's client tunnels {@code http} targets too). Every request must carry {@code Proxy-Authorization: Basic} with the expected credentials,
 * else 407. It records the request lines it relayed.
 */
final class TinyForwardProxy implements AutoCloseable {
    final List<String> relayed = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final String expectedAuthorization;

    TinyForwardProxy(String username, String password) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread.ofVirtual().start(() -> serve(client));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            List<String> head = readHead(in);
            String[] requestLine = head.get(0).split(" ");
            String authorization = head.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:"))
                    .map(h -> h.substring(h.indexOf(':') + 1).strip()).findFirst().orElse("");
            OutputStream out = client.getOutputStream();
            if (!authorization.equals(expectedAuthorization)) {
                out.write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            relayed.add(requestLine[0] + " " + requestLine[1]);
            if (requestLine[0].equals("CONNECT")) {
                String[] hostPort = requestLine[1].split(":");
                try (Socket upstream = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                    out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    pump(in, out, upstream);
                }
                return;
            }
            out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException ignored) {
            // The test sees the outcome through the gateway's answer.
        }
    }

    /** Copies both ways until either side closes. */
    private static void pump(InputStream clientIn, OutputStream clientOut, Socket upstream) throws IOException {
        Thread up = Thread.ofVirtual().start(() -> {
            try {
                clientIn.transferTo(upstream.getOutputStream());
                upstream.shutdownOutput();
            } catch (IOException ignored) {
                // the other direction ends the tunnel
            }
        });
        try {
            upstream.getInputStream().transferTo(clientOut);
        } finally {
            up.interrupt();
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        throw new IOException("the connection closed inside the request head");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
