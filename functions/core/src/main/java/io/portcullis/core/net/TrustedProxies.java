package io.portcullis.core.net;

import io.portcullis.core.RequestHeaders;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Works out who a request came from. Proxies in front of the gateway record the client in one header, and which
 * one is a property of the setup ({@code trusted-proxy-header}): {@code X-Forwarded-For} (the default: nginx, HAProxy,
 * load balancers) or {@code Forwarded} (RFC 7239). That header is believed only when the connection comes from a
 * configured trusted proxy, and then read from the right: each hop appended by a trusted proxy is peeled off, and the
 * first untrusted address is the client. The leftmost entries are whatever the client chose to send and are never
 * taken on trust, and the other header is never read at all: proxies append to the header they write and pass the
 * other one through, so there it is the client's own claim.
 */
public final class TrustedProxies {
    /** The header trusted proxies record the client in. */
    public enum Source {
        X_FORWARDED_FOR("x-forwarded-for"),
        FORWARDED("forwarded");

        private final String configName;

        Source(String configName) {
            this.configName = configName;
        }

        /** As written in the config: {@code x-forwarded-for} or {@code forwarded}. */
        public String configName() {
            return configName;
        }

        /** The source named {@code text} in the config, in any case. */
        public static Optional<Source> named(String text) {
            for (Source source : values()) {
                if (source.configName.equalsIgnoreCase(text.strip())) {
                    return Optional.of(source);
                }
            }
            return Optional.empty();
        }
    }

    /** No proxy is trusted: the peer is the client. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), Source.X_FORWARDED_FOR);

    /** A host (and port) as a proxy may report it: a name or an address literal, nothing that needs escaping. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-_~\\[\\]:]{1,255}");

    private final List<Cidr> trusted;
    private final Source source;

    public TrustedProxies(List<Cidr> trusted, Source source) {
        this.trusted = List.copyOf(trusted);
        this.source = source;
    }

    /** Proxies that record the client in {@code X-Forwarded-For}. */
    public TrustedProxies(List<Cidr> trusted) {
        this(trusted, Source.X_FORWARDED_FOR);
    }

    public List<Cidr> blocks() {
        return trusted;
    }

    public Source source() {
        return source;
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
        return chain(peer, headers, false).client();
    }

    /**
     * What the gateway can vouch for about a request that arrived from {@code peer}: the client, the hops from the
     * client to the peer, and, from trusted proxies, the scheme and host the client used.
     *
     * @param secure whether the connection from {@code peer} is TLS: the scheme when no trusted proxy says otherwise
     */
    public ClientChain chain(InetAddress peer, RequestHeaders headers, boolean secure) {
        String connectionScheme = secure ? "https" : "http";
        if (trusted.isEmpty() || !trusts(peer)) {
            return new ClientChain(peer, List.of(peer), connectionScheme, Optional.empty());
        }
        List<Hop> hops = source == Source.FORWARDED ? forwardedHops(headers) : xForwardedForHops(headers);
        int clientAt = hops.size();
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> address = hops.get(i).address();
            if (address.isEmpty()) {
                break;
            }
            clientAt = i;
            if (!trusts(address.get())) {
                break;
            }
        }
        List<InetAddress> chain = new ArrayList<>();
        for (int i = clientAt; i < hops.size(); i++) {
            chain.add(hops.get(i).address().orElseThrow());
        }
        chain.add(peer);
        Optional<String> proto;
        Optional<String> host;
        if (source == Source.FORWARDED) {
            // The element naming the client was written by the first trusted proxy, which saw the client connect.
            Hop first = clientAt < hops.size() ? hops.get(clientAt) : Hop.NONE;
            proto = first.proto();
            host = first.host();
        } else {
            proto = rightmost(headers.all("X-Forwarded-Proto"));
            host = rightmost(headers.all("X-Forwarded-Host"));
        }
        return new ClientChain(chain.getFirst(), chain,
                proto.map(p -> p.toLowerCase(Locale.ROOT)).filter(p -> p.equals("http") || p.equals("https"))
                        .orElse(connectionScheme),
                host.filter(h -> HOST.matcher(h).matches()));
    }

    /** One hop a proxy recorded: the address it saw, and with {@code Forwarded} the scheme and host it was asked. */
    private record Hop(Optional<InetAddress> address, Optional<String> proto, Optional<String> host) {
        static final Hop NONE = new Hop(Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static List<Hop> xForwardedForHops(RequestHeaders headers) {
        List<Hop> hops = new ArrayList<>();
        for (String line : headers.all("X-Forwarded-For")) {
            for (String entry : line.split(",")) {
                hops.add(new Hop(IpLiteral.parse(stripPort(entry.trim())), Optional.empty(), Optional.empty()));
            }
        }
        return hops;
    }

    private static List<Hop> forwardedHops(RequestHeaders headers) {
        List<Hop> hops = new ArrayList<>();
        for (String line : headers.all("Forwarded")) {
            for (String element : line.split(",")) {
                Optional<String> forParameter = parameter(element, "for");
                hops.add(new Hop(forParameter.flatMap(value -> IpLiteral.parse(stripPort(value))),
                        parameter(element, "proto"), parameter(element, "host")));
            }
        }
        return hops;
    }

    /** The value of {@code name} in one {@code Forwarded} element, unquoted. */
    private static Optional<String> parameter(String element, String name) {
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals(name)) {
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /**
     * The last entry of a header a proxy sets or appends to: whichever it does, the rightmost value is the one the
     * nearest proxy wrote.
     */
    private static Optional<String> rightmost(List<String> lines) {
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String last = lines.getLast();
        String entry = last.substring(last.lastIndexOf(',') + 1).trim();
        return entry.isEmpty() ? Optional.empty() : Optional.of(entry);
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
