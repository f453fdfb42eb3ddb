package io.portcullis.core.net;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who a request came from, as far as the gateway can vouch for it ({@link TrustedProxies#chain}).
 *
 * @param client the client's address: the peer, or the first untrusted hop a trusted proxy recorded
 * @param hops the addresses from the client to the peer, both included: what {@code X-Forwarded-For} carries
 *     upstream (entries left of the client are the client's own claims and are not passed on)
 * @param scheme how the client connected, {@code http} or {@code https}: the connection's, or what the trusted
 *     proxies say
 * @param host the host the client asked for, when a trusted proxy reported it
 */
public record ClientChain(InetAddress client, List<InetAddress> hops, String scheme, Optional<String> host) {
    public ClientChain {
        hops = List.copyOf(hops);
    }

    /** The {@code X-Forwarded-For} value for the backend. */
    public String forwardedFor() {
        return hops.size() == 1 ? hops.getFirst().getHostAddress()
                : hops.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    }
}
