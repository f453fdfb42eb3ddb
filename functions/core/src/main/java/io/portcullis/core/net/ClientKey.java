package io.portcullis.core.net;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * What per-address limits count a client by: an IPv4 address, or the /64 network of an IPv6 address. One IPv6
 * subscriber or host is handed a whole /64 (RFC 6177 and common practice), so counting full IPv6 addresses would
 * give each client 2^64 budgets; counting networks gives it one, as an IPv4 address does.
 */
public final class ClientKey {
    private ClientKey() {
    }

    /** {@code 203.0.113.7}, or {@code 2001:db8:0:1::/64} for any address in that network. */
    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        StringBuilder key = new StringBuilder(24);
        for (int group = 0; group < 4; group++) {
            int value = (bytes[2 * group] & 0xff) << 8 | bytes[2 * group + 1] & 0xff;
            key.append(Integer.toHexString(value)).append(':');
        }
        return key.append(":/64").toString();
    }
}
