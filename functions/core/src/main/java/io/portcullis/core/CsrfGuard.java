package io.portcullis.core;

import io.portcullis.core.net.ClientChain;
import io.portcullis.core.net.TrustedProxies;
import io.portcullis.core.token.CsrfTokens;
import io.portcullis.core.token.TokenType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-site request protection for requests a cookie authenticated: a browser attaches cookies by itself, whichever
 * site made it send the request, so such a request must also show it comes from this site's pages.
 *
 * <ul>
 *   <li>The browser session cookie, a state-changing request (any method but GET, HEAD, OPTIONS, TRACE): the
 *       session's CSRF token, in the {@code X-CSRF-Token} header (ProxyAuth's {@code X-CSRFToken} too) or, for an
 *       {@code application/x-www-form-urlencoded} body, its {@code csrf_token} field ({@code browser.csrf}).</li>
 *   <li>The JWT cookie, a state-changing request: there is no CSRF token to show (another site signs the JWT), so
 *       the {@code Origin} header must name this site or an allowed CORS origin. Browsers send it with every
 *       cross-site request that changes state, and with every {@code POST}.</li>
 *   <li>Either cookie, a WebSocket handshake: the {@code Origin} likewise (browsers always send it on handshakes,
 *       and a handshake cannot carry a custom header), or any site could open the user's socket.</li>
 * </ul>
 * No path or file extension is exempt. Requests with a bearer token need none of this: a browser never adds one by
 * itself. "This site" is the scheme and host the client used: from a trusted proxy's report, the edge's vouched
 * host, or the {@code Host} header (which a browser sets to the site it is talking to).
 */
final class CsrfGuard {
    static final String FORM_FIELD = "csrf_token";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final List<String> HEADERS = List.of("X-CSRF-Token", "X-CSRFToken");

    private final CsrfTokens tokens;
    private final boolean sessionTokens;
    private final TrustedProxies proxies;
    private final Cors cors;

    /** @param sessionTokens whether session-cookie requests need the CSRF token ({@code browser.csrf}) */
    CsrfGuard(CsrfTokens tokens, boolean sessionTokens, TrustedProxies proxies, Cors cors) {
        this.tokens = tokens;
        this.sessionTokens = sessionTokens;
        this.proxies = proxies;
        this.cors = cors;
    }

    /** Whether a request with this method changes state (RFC 9110 §9.2.1: all but the safe methods). */
    static boolean changesState(String method) {
        return !SAFE.contains(method);
    }

    /**
     * Whether {@code request} must prove where it comes from.
     *
     * @param changesState whether the request changes state: its method, or a method override the route passes on
     */
    boolean applies(GatewayRequest request, Authenticated caller, boolean changesState) {
        return switch (caller.carrier()) {
            case BEARER -> false;
            case SESSION_COOKIE -> request.upgradesToWebSocket() || sessionTokens && changesState;
            case JWT_COOKIE -> request.upgradesToWebSocket() || changesState;
        };
    }

    /**
     * The caller of an own endpoint that changes something: a valid token of {@code type} (a Portcullis token
     * unless the endpoint says otherwise), and the proof above when it came in a cookie.
     */
    AuthResult authenticate(CheckToken checkToken, GatewayRequest request) {
        return authenticate(checkToken, request, TokenType.PORTCULLIS);
    }

    AuthResult authenticate(CheckToken checkToken, GatewayRequest request, TokenType type) {
        AuthResult auth = checkToken.authenticate(request.headers(), type);
        if (auth instanceof Authenticated caller) {
            Optional<Rejection> forged = refusal(request, caller, changesState(request.method()), Optional.empty());
            if (forged.isPresent()) {
                return forged.get();
            }
        }
        return auth;
    }

    /** Whether the CSRF token can only be in the body: a session-cookie request, no header, and a form body. */
    boolean needsFormBody(GatewayRequest request, Authenticated caller) {
        return caller.fromSessionCookie() && !request.upgradesToWebSocket()
                && HEADERS.stream().allMatch(name -> request.headers().all(name).isEmpty()) && request.isForm();
    }

    /**
     * The refusal, if {@code request} must prove where it comes from and does not.
     *
     * @param formBody the request body, already read, when {@link #needsFormBody} said so
     */
    Optional<Rejection> refusal(GatewayRequest request, Authenticated caller, boolean changesState,
            Optional<byte[]> formBody) {
        if (!applies(request, caller, changesState)) {
            return Optional.empty();
        }
        if (request.upgradesToWebSocket() || caller.carrier() == Authenticated.Carrier.JWT_COOKIE) {
            return fromThisSite(request) ? Optional.empty() : Optional.of(Rejection.forbidden(
                    "a request the cookie authenticates needs an Origin header naming this site or an allowed "
                            + "origin", "origin_not_allowed"));
        }
        Optional<String> presented = Optional.empty();
        for (String name : HEADERS) {
            List<String> values = request.headers().all(name);
            if (values.size() > 1 || presented.isPresent() && !values.isEmpty()) {
                return Optional.of(Rejection.forbidden("send one CSRF token", "csrf_several"));
            }
            if (!values.isEmpty()) {
                presented = Optional.of(values.getFirst());
            }
        }
        if (presented.isEmpty() && formBody.isPresent()) {
            presented = formField(formBody.get());
        }
        if (presented.isEmpty()) {
            return Optional.of(Rejection.forbidden("this request needs the session's CSRF token (X-CSRF-Token "
                    + "header or csrf_token form field)", "csrf_missing"));
        }
        if (!tokens.matches(presented.get().strip(), caller.claims().tokenId())) {
            return Optional.of(Rejection.forbidden("the CSRF token does not belong to this session", "csrf_invalid"));
        }
        return Optional.empty();
    }

    /** Whether the one {@code Origin} header names an allowed CORS origin, or the site the client asked for. */
    private boolean fromThisSite(GatewayRequest request) {
        List<String> origins = request.headers().all("Origin");
        if (origins.size() != 1) {
            return false;
        }
        if (cors.allowedOrigin(request.headers()).isPresent()) {
            return true;
        }
        ClientChain chain = proxies.chain(request.peer(), request.headers(), request.secure());
        Optional<String> host = chain.host().or(request::vouchedHost).or(() -> request.headers().first("Host"));
        return host.isPresent() && sameOrigin(origins.getFirst().strip(), chain.scheme(), host.get().strip());
    }

    /** Whether {@code origin} ({@code https://app.example[:port]}) is {@code scheme://host}, default ports read in. */
    static boolean sameOrigin(String origin, String scheme, String host) {
        try {
            URI from = new URI(origin);
            URI site = new URI(scheme + "://" + host);
            return from.getScheme() != null && from.getHost() != null && site.getHost() != null
                    && from.getRawPath().isEmpty() && from.getRawQuery() == null && from.getRawUserInfo() == null
                    && from.getScheme().toLowerCase(Locale.ROOT).equals(scheme)
                    && from.getHost().equalsIgnoreCase(site.getHost())
                    && port(from) == port(site);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** The first {@code csrf_token} field of a form body; a malformed body has none. */
    private static Optional<String> formField(byte[] body) {
        try {
            return FormBody.pairs(body).stream().filter(pair -> pair.getKey().equals(FORM_FIELD))
                    .map(java.util.Map.Entry::getValue).findFirst();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
