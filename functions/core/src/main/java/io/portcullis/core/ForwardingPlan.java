package io.portcullis.core;

import io.portcullis.core.net.ForwardingHeaders;
import io.portcullis.core.route.Backend;
import io.portcullis.core.route.Route;
import io.portcullis.core.token.Claims;
import io.portcullis.core.token.Identity;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How to forward an admitted request; the shell moves the bytes. The upstream request is the client's method and
 * body, sent to the first of {@code targets} with every client header that {@link #forwardsRequestHeader} keeps,
 * plus {@code addHeaders}. The backend's answer goes back with every header that {@link #returnsResponseHeader}
 * keeps and {@code responseHeaders} does not replace, plus {@code responseHeaders}.
 *
 * @param route the matched route
 * @param method the request method
 * @param targets the upstream URIs in the order to try them, one per backend: the backend's base, the canonical
 *     path (minus the prefix unless preserved) and the raw query, exactly as encoded
 * @param failover whether a backend that cannot be reached, times out or answers 502/503/504 may be followed by
 *     the next target: only for idempotent methods (or where the route allows replaying others)
 * @param dropHeaders names of client headers not forwarded, {@link ForwardingHeaders#normalized normalized} (lower
 *     case, {@code _} read as {@code -}): hop-by-hop, those named in {@code Connection}, {@code Authorization}, the
 *     identity headers and the others the gateway sets itself. The forwarding family ({@code X-Forwarded-*},
 *     {@code Forwarded}, {@code X-Real-IP}, …) and, unless the route opts in, the method and URL override headers
 *     are never forwarded either.
 * @param addHeaders headers the gateway sets upstream: identity, {@code X-Forwarded-*}, {@code Via}
 * @param identity the authenticated caller, on secure routes
 * @param responseHeaders headers set on the backend's response ({@code RateLimit-*}, CORS, no-store), replacing
 *     the backend's headers of the same names ({@code Vary} is added to)
 * @param body the request body when the gateway had to read it (the route's filters, or a form's CSRF field): send
 *     these bytes instead of the client's stream
 * @param claims the caller's token, when the gateway checked it itself (not an authorizer's identity): what keeps a
 *     long-lived exchange open is that it stays valid
 */
public record ForwardingPlan(
        Route route,
        String method,
        List<Target> targets,
        boolean failover,
        Set<String> dropHeaders,
        List<Header> addHeaders,
        Optional<Identity> identity,
        List<Header> responseHeaders,
        Optional<byte[]> body,
        Optional<Claims> claims) implements ForwardDecision {

    /**
     * One backend, and the request target to send it: the route's target path, the canonical remainder and
     * {@code ?} with the raw query, exactly these bytes (origin form, RFC 9112 §3.2.1).
     */
    public record Target(Backend backend, String requestTarget) {
        /** The whole URI, for logs and messages. */
        public String uri() {
            return backend.base().getScheme() + "://" + backend.base().getRawAuthority() + requestTarget;
        }
    }

    public ForwardingPlan {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a plan needs a target");
        }
        targets = List.copyOf(targets);
        dropHeaders = Set.copyOf(dropHeaders);
        addHeaders = List.copyOf(addHeaders);
        responseHeaders = List.copyOf(responseHeaders);
    }

    /** The first target's URI: where the request goes when nothing fails. */
    public String target() {
        return targets.get(0).uri();
    }

    /**
     * Whether the client's header with this name goes upstream. Names are compared as backends read them
     * ({@code X_User} is {@code X-User} to CGI, WSGI and Rack), so a look-alike of a dropped header is dropped too.
     */
    public boolean forwardsRequestHeader(String name) {
        String normalized = ForwardingHeaders.normalized(name);
        return !dropHeaders.contains(normalized) && !ForwardingHeaders.isForwarding(normalized)
                && (route.overrideHeaders() || !ForwardingHeaders.isOverride(normalized));
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

    /**
     * Whether the gateway's {@code responseHeaders} replace the backend's header of this name. The CORS grant is
     * the gateway's: a backend's {@code Access-Control-*} headers go back only with it, to an allowed origin (where
     * the gateway's {@code Allow-Origin} and {@code Allow-Credentials} replace the backend's); to anyone else a
     * backend reflecting the {@code Origin} with credentials must not open the door the gateway keeps shut.
     */
    public boolean replacesResponseHeader(String name) {
        if (name.equalsIgnoreCase("Vary")) {
            return false;
        }
        if (name.regionMatches(true, 0, "Access-Control-", 0, 15) && !grantsCors()) {
            return true;
        }
        for (Header header : responseHeaders) {
            if (header.name().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the answer carries the gateway's CORS grant: the request came from an allowed origin. */
    private boolean grantsCors() {
        for (Header header : responseHeaders) {
            if (header.name().equalsIgnoreCase("Access-Control-Allow-Origin")) {
                return true;
            }
        }
        return false;
    }
}
