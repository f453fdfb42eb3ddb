package io.portcullis.core.net;

import java.util.Locale;
import java.util.Set;

/**
 * Client request headers that speak for the connection rather than for the client: who the client is, where and
 * how it connected, which method or URL the backend should act on. A client may not claim any of them. Names are
 * compared as CGI, WSGI and Rack see them: lower-cased, with {@code _} read as {@code -}, so {@code X_User} and
 * {@code X-User} are one header to a backend (both become {@code HTTP_X_USER}) and one header here.
 */
public final class ForwardingHeaders {
    /**
     * The forwarding family besides every {@code x-forwarded-*}: who connected and how, as proxies, CDNs and
     * frameworks spell it. Backends believe these from whatever proxy sits in front of them, which is the gateway.
     */
    private static final Set<String> FORWARDING = Set.of("forwarded", "x-forwarded", "x-real-ip", "true-client-ip",
            "x-client-ip", "client-ip", "x-cluster-client-ip", "cf-connecting-ip", "fastly-client-ip",
            "x-originating-ip", "x-remote-ip", "x-remote-addr", "x-proxyuser-ip", "x-host", "x-original-host",
            "x-url-scheme", "x-scheme", "front-end-https", "x-envoy-external-address");

    /**
     * Headers that make some frameworks act on another method or URL than the request's: they would defeat a
     * route's {@code methods}, the CSRF test of safe methods and the prefix rules, which the gateway applied to
     * the request line. Removed unless the route opts in ({@code override-headers}).
     */
    private static final Set<String> METHOD_OVERRIDES = Set.of("x-http-method-override", "x-http-method",
            "x-method-override", "x-original-method");
    private static final Set<String> URL_OVERRIDES = Set.of("x-original-url", "x-rewrite-url", "x-original-uri",
            "x-envoy-original-path");

    private ForwardingHeaders() {
    }

    /** A header name as backends compare it: lower case, {@code _} read as {@code -}. */
    public static String normalized(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether a {@link #normalized} name belongs to the forwarding family ({@code X-Forwarded-*}, {@code Forwarded}, …). */
    public static boolean isForwarding(String normalized) {
        return normalized.startsWith("x-forwarded-") || FORWARDING.contains(normalized);
    }

    /** Whether a {@link #normalized} name asks the backend for another method or URL. */
    public static boolean isOverride(String normalized) {
        return METHOD_OVERRIDES.contains(normalized) || URL_OVERRIDES.contains(normalized);
    }

    /** Whether a {@link #normalized} name asks the backend for another method. */
    public static boolean isMethodOverride(String normalized) {
        return METHOD_OVERRIDES.contains(normalized);
    }
}
