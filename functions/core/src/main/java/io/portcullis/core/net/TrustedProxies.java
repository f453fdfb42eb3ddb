package io.portcullis.core.net;

import io.portcullis.core.RequestHeaders;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Works out the client's address. {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For} is believed only when
 * the connection comes from a configured trusted proxy, and then read from the right: each hop appended by a
 * trusted proxy is peeled off, and the first untrusted address is the client. The leftmost entries are whatever
 * the client chose to send and are never taken on trust.
 */
public final class TrustedProxies {
    private final List<Cidr> trusted;

    public TrustedProxies(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    public boolean trusts(InetAddress address) {
        for (Cidr block : trusted) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The client's address for a request that arrived from {@code peer}. */
    public InetAddress clientAddress(InetAddress peer, RequestHeaders headers) {
        if (trusted.isEmpty() || !trusts(peer)) {
            return peer;
        }
        List<Optional<InetAddress>> hops = forwardedHops(headers);
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = hops.get(i);
            if (hop.isEmpty()) {
                return client;
            }
            client = hop.get();
            if (!trusts(client)) {
                return client;
            }
        }
        return client;
    }

    private static List<Optional<InetAddress>> forwardedHops(RequestHeaders headers) {
        List<String> forwarded = headers.all("Forwarded");
        List<Optional<InetAddress>> hops = new ArrayList<>();
        if (!forwarded.isEmpty()) {
            for (String line : forwarded) {
                for (String element : line.split(",")) {
                    hops.add(forParameter(element));
                }
            }
            return hops;
        }
        for (String line : headers.all("X-Forwarded-For")) {
            for (String entry : line.split(",")) {
                hops.add(IpLiteral.parse(stripPort(entry.trim())));
            }
        }
        return hops;
    }

    private static Optional<InetAddress> forParameter(String element) {
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return IpLiteral.parse(stripPort(value));
            }
        }
        return Optional.empty();
    }

    /** {@code 192.0.2.1:4711} → {@code 192.0.2.1}; {@code [2001:db8::1]:4711} → {@code [2001:db8::1]}. */
    private static String stripPort(String value) {
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            return close > 0 ? value.substring(0, close + 1) : value;
        }
        int colon = value.indexOf(':');
        return colon > 0 && value.indexOf(':', colon + 1) < 0 ? value.substring(0, colon) : value;
    }
}
