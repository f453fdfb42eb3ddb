package io.portcullis.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand on a socket, for requests a well-behaved client refuses to send: unnormalized paths,
 * malformed headers, hop-by-hop headers. Each request closes its connection, except on a {@link KeepAlive}.
 */
final class RawHttp {
    /** A response as read off the wire; header names lower-cased, repeated headers joined with ", ". */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /** One connection kept open across requests, as a browser or a pooling client keeps it. */
    static final class KeepAlive implements AutoCloseable {
        private final Socket socket;

        KeepAlive(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
        }

        /** Sends {@code head} (request line and headers, without the final blank line) and reads the answer. */
        Response send(String head) throws IOException {
            write(head + "\r\n\r\n");
            return read();
        }

        /** Writes exactly {@code bytes} (one char, one byte), nothing added. */
        KeepAlive write(String bytes) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return this;
        }

        /** Reads the next answer on the connection. */
        Response read() throws IOException {
            return RawHttp.read(socket.getInputStream());
        }

        /** Whether the server closes the connection within {@code seconds} (without sending anything more). */
        boolean closedWithin(int seconds) throws IOException {
            socket.setSoTimeout(seconds * 1000);
            try {
                return socket.getInputStream().read() < 0;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (java.net.SocketException reset) {
                return true;
            } finally {
                socket.setSoTimeout(10_000);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Sends {@code head} (request line and headers, without the final blank line) and reads the answer. */
    static Response send(int port, String head) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(socket.getInputStream());
        }
    }

    /**
     * Reads one response: to the end of its Content-Length or last chunk (servers may keep the socket open), or,
     * with neither, to the end of the connection.
     */
    private static Response read(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int end = -1;
        while (end < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the headers ended: " + text);
            }
            text.append((char) b);
            end = text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n") ? text.length() : -1;
        }
        String head = text.toString();
        String lower = head.toLowerCase(Locale.ROOT);
        int lengthAt = lower.indexOf("\r\ncontent-length:");
        if (lengthAt >= 0) {
            int length = Integer.parseInt(head.substring(lengthAt + 17, head.indexOf("\r\n", lengthAt + 2)).trim());
            text.append(new String(in.readNBytes(length), StandardCharsets.ISO_8859_1));
        } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
            while (!text.toString().endsWith("\r\n0\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                text.append((char) b);
            }
        } else if (lower.contains("\r\nconnection: close\r\n") && !head.startsWith("HTTP/1.1 204")
                && !head.startsWith("HTTP/1.1 304")) {
            text.append(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
        return parse(text.toString());
    }

    private static Response parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int position = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", position);
            int size = Integer.parseInt(chunked.substring(position, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            position = lineEnd + 2 + size + 2;
        }
    }
}
