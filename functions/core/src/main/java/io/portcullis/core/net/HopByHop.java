package io.portcullis.core.net;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are never forwarded, in either
 * direction, together with every header the {@code Connection} header names. {@code Transfer-Encoding} is among
 * them: each side frames its own body.
 */
public final class HopByHop {
    /** Lower-case names. {@code Proxy-Connection} is not standard but still sent by old clients. */
    public static final Set<String> HEADERS = Set.of(
            "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
            "te", "trailer", "transfer-encoding", "upgrade");

    private HopByHop() {
    }

    /** The lower-case header names listed in the {@code Connection} header values. */
    public static Set<String> connectionListed(List<String> connectionValues) {
        if (connectionValues.isEmpty()) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** Whether a header with this lower-case name stops at this hop. */
    public static boolean stopsHere(String lowerName, Set<String> connectionListed) {
        return HEADERS.contains(lowerName) || connectionListed.contains(lowerName);
    }
}
