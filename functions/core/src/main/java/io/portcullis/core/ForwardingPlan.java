package io.portcullis.core;

import io.portcullis.core.route.Route;
import io.portcullis.core.token.Identity;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How to forward an admitted request; the shell moves the bytes. The upstream request is the client's method and
 * body, sent to {@code target} with every client header that {@link #forwardsRequestHeader} keeps, plus
 * {@code addHeaders}. The backend's answer goes back with every header that {@link #returnsResponseHeader} keeps,
 * plus {@code responseHeaders}.
 *
 * @param route the matched route
 * @param method the request method
 * @param target the upstream URI: the route's target, the canonical path (minus the prefix unless preserved) and
 *     the raw query, exactly as encoded
 * @param dropHeaders lower-case names of client headers not forwarded: hop-by-hop, those named in
 *     {@code Connection}, {@code Authorization}, identity and forwarding headers the gateway sets itself
 * @param addHeaders headers the gateway sets upstream: identity, {@code X-Forwarded-*}, {@code Via}
 * @param identity the authenticated caller, on secure routes
 * @param responseHeaders headers added to the backend's response ({@code RateLimit-*})
 */
public record ForwardingPlan(
        Route route,
        String method,
        String target,
        Set<String> dropHeaders,
        List<Header> addHeaders,
        Optional<Identity> identity,
        List<Header> responseHeaders) implements ForwardDecision {

    public ForwardingPlan {
        dropHeaders = Set.copyOf(dropHeaders);
        addHeaders = List.copyOf(addHeaders);
        responseHeaders = List.copyOf(responseHeaders);
    }

    /** Whether the client's header with this name goes upstream. */
    public boolean forwardsRequestHeader(String name) {
        return !dropHeaders.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether the backend's header with this name goes back to the client.
     *
     * @param connectionListed lower-case names the backend's {@code Connection} header lists
     */
    public static boolean returnsResponseHeader(String name, Set<String> connectionListed) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !io.portcullis.core.net.HopByHop.stopsHere(lower, connectionListed);
    }
}
