package io.portcullis.infra.http1;

import java.io.BufferedInputStream;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A backend on a raw socket that records the exact bytes it receives and answers with exactly the bytes a test
 * scripts: nothing between the wire and the assertion normalises anything. It frames requests itself, either
 * strictly or as some real servers do, by the last {@code Content-Length} (the framing a smuggled request hides
 * behind).
 */
public final class RawBackend implements AutoCloseable {
    /** How the backend decides where a request's body ends. */
    public enum Framing {
        /** Chunked if {@code Transfer-Encoding} says so, else the (first) {@code Content-Length}. */
        STRICT,
        /** The last {@code Content-Length} field wins, {@code Transfer-Encoding} is ignored. */
        LAST_CONTENT_LENGTH
    }

    /**
     * One request as it arrived.
     *
     * @param connection which accepted connection it came on, from 1
     * @param head the request line and fields, CRLFs included, up to the empty line
     * @param body the body bytes as framed by the backend (chunked: still encoded)
     */
    public record Received(int connection, String head, byte[] body) {
        public String requestLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }

        /** Every value of the field, in order (names compared without case). */
        public List<String> fields(String name) {
            List<String> values = new ArrayList<>();
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).strip());
                }
            }
            return values;
        }

        /** The header field lines, each exactly as sent. */
        public List<String> fieldLines() {
            List<String> lines = new ArrayList<>(List.of(head.split("\r\n")));
            lines.removeFirst();
            return lines;
        }

        /** The header field names, lower-cased, in order. */
        public List<String> fieldNames() {
            return fieldLines().stream().map(line -> line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT))
                    .toList();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** The answer to send for a request: raw bytes, or {@code null} to close the connection without answering. */
    @FunctionalInterface
    public interface Script extends Function<Received, byte[]> {
    }

    private final ServerSocket server;
    private final Framing framing;
    private final Script script;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final ConcurrentHashMap<Integer, ByteArrayOutputStream> wire = new ConcurrentHashMap<>();
    private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedByPeer = new AtomicInteger();

    public RawBackend(Script script) throws IOException {
        this(Framing.STRICT, script);
    }

    public RawBackend(Framing framing, Script script) throws IOException {
        this.framing = framing;
        this.script = script;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    /** Answers every request {@code 200} with a short fixed-length body. */
    public static RawBackend ok() throws IOException {
        return new RawBackend(request -> answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    }

    public static byte[] answer(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many connections the backend has accepted. */
    public int connections() {
        return connections.get();
    }

    /** How many connections the other side (the gateway) has closed. */
    public int closedByPeer() {
        return closedByPeer.get();
    }

    /** The next request the backend received, waiting up to 5 s. */
    public Received next() throws InterruptedException {
        Received next = received.poll(5, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("the backend received no request");
        }
        return next;
    }

    /** A request received within {@code millis}, or {@code null}. */
    public Received poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Every byte received on connection {@code n} (from 1) so far. */
    public String wire(int n) {
        ByteArrayOutputStream bytes = wire.get(n);
        return bytes == null ? "" : bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code text} on every connection still open, unasked: as a backend timing out an idle one may. */
    public void sendUnasked(String text) {
        for (Socket socket : sockets) {
            try {
                socket.getOutputStream().write(answer(text));
            } catch (IOException e) {
                // that connection is closed already
            }
        }
    }

    /** Closes every open connection, as a backend restarting or timing out idle connections does. */
    public void closeConnections() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                int n = connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(socket, n));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int n) {
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        wire.put(n, record);
        try (socket) {
            InputStream in = new Recording(new BufferedInputStream(socket.getInputStream()), record);
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                Received request = new Received(n, head, readBody(in, head));
                received.add(request);
                byte[] answer = script.apply(request);
                if (answer == null) {
                    return;
                }
                out.write(answer);
                out.flush();
                if (new String(answer, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT)
                        .contains("\r\nconnection: close\r\n")) {
                    return;
                }
            }
        } catch (IOException e) {
            // the gateway closed the connection
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private byte[] readBody(InputStream in, String head) throws IOException {
        Received fields = new Received(0, head, new byte[0]);
        List<String> lengths = fields.fields("Content-Length");
        boolean chunked = framing == Framing.STRICT && fields.fields("Transfer-Encoding").stream()
                .anyMatch(value -> value.toLowerCase(Locale.ROOT).contains("chunked"));
        if (chunked) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String line = readLine(in, body);
                int size = Integer.parseInt(line.split(";")[0].strip(), 16);
                if (size == 0) {
                    while (!readLine(in, body).isEmpty()) {
                        // trailer fields
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(size + 2));
            }
        }
        if (lengths.isEmpty()) {
            return new byte[0];
        }
        String length = framing == Framing.LAST_CONTENT_LENGTH ? lengths.get(lengths.size() - 1) : lengths.get(0);
        return in.readNBytes(Integer.parseInt(length.strip()));
    }

    private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
        StringBuilder line = new StringBuilder();
        while (!line.toString().endsWith("\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in a chunk");
            }
            line.append((char) b);
            copy.write(b);
        }
        return line.substring(0, line.length() - 2);
    }

    @Override
    public void close() throws IOException {
        server.close();
        closeConnections();
    }

    /** Copies every byte read into the connection's record. */
    private static final class Recording extends java.io.FilterInputStream {
        private final ByteArrayOutputStream record;

        Recording(InputStream in, ByteArrayOutputStream record) {
            super(in);
            this.record = record;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                synchronized (record) {
                    record.write(b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                synchronized (record) {
                    record.write(b, off, n);
                }
            }
            return n;
        }
    }
}
