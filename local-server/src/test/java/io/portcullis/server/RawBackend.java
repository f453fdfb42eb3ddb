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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A backend on a raw socket that records the exact bytes of each request head it receives (nothing parsed or
 * normalised by an HTTP library on the way), reads a {@code Content-Length} body, and answers {@code 200 ok} with
 * the extra response headers it was given, closing the connection after each answer.
 */
final class RawBackend implements AutoCloseable {
    private final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    private final ServerSocket server;
    private final List<String> answerHeaders;

    /** @param answerHeaders header lines ({@code Name: value}) every answer carries */
    RawBackend(String... answerHeaders) throws IOException {
        this.answerHeaders = List.of(answerHeaders);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().start(() -> serve(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next request head received, exactly as sent (request line and header lines, CRLF-separated). */
    String nextHead() throws InterruptedException {
        String head = heads.poll(5, TimeUnit.SECONDS);
        if (head == null) {
            throw new AssertionError("the backend received nothing");
        }
        return head;
    }

    /** The header lines of a head, each as sent. */
    static List<String> lines(String head) {
        List<String> lines = new ArrayList<>(List.of(head.split("\r\n")));
        lines.removeFirst();
        return lines;
    }

    /** The header names of a head, lower-cased. */
    static List<String> names(String head) {
        return lines(head).stream().map(line -> line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT))
                .toList();
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
                matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            text = text.substring(0, text.length() - 4);
            for (String line : lines(text)) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    in.readNBytes(Integer.parseInt(line.substring(15).strip()));
                }
            }
            heads.add(text);
            StringBuilder answer = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n");
            answerHeaders.forEach(line -> answer.append(line).append("\r\n"));
            answer.append("Content-Length: 2\r\nConnection: close\r\n\r\nok");
            OutputStream out = socket.getOutputStream();
            out.write(answer.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException gone) {
            // The gateway went away.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
