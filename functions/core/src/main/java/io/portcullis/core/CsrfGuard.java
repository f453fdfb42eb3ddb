package io.portcullis.core;

import io.portcullis.core.token.CsrfTokens;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * CSRF protection for requests the browser session cookie authenticated: a browser attaches that cookie by itself,
 * so a state-changing request (any method but GET, HEAD, OPTIONS, TRACE) must also carry the session's CSRF token,
 * in the {@code X-CSRF-Token} header (ProxyAuth's {@code X-CSRFToken} too) or, for an
 * {@code application/x-www-form-urlencoded} body, its {@code csrf_token} field. No path or file extension is
 * exempt. Requests with a bearer token need none: a browser never adds one by itself.
 */
final class CsrfGuard {
    static final String FORM_FIELD = "csrf_token";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final List<String> HEADERS = List.of("X-CSRF-Token", "X-CSRFToken");

    private final CsrfTokens tokens;
    private final boolean enabled;

    CsrfGuard(CsrfTokens tokens, boolean enabled) {
        this.tokens = tokens;
        this.enabled = enabled;
    }

    /** Whether {@code request} must show a CSRF token. */
    boolean applies(GatewayRequest request, Authenticated caller) {
        return enabled && caller.fromSessionCookie() && !SAFE.contains(request.method());
    }

    /**
     * The caller of an own endpoint that changes something: a valid Portcullis token, and the CSRF token too when
     * that came in the session cookie.
     */
    AuthResult authenticate(CheckToken checkToken, GatewayRequest request) {
        AuthResult auth = checkToken.authenticate(request.headers());
        if (auth instanceof Authenticated caller) {
            Optional<Rejection> forged = refusal(request, caller, Optional.empty());
            if (forged.isPresent()) {
                return forged.get();
            }
        }
        return auth;
    }

    /** Whether the token can only be in the body: no header, and a form body. */
    boolean needsFormBody(GatewayRequest request) {
        return HEADERS.stream().allMatch(name -> request.headers().all(name).isEmpty()) && request.isForm();
    }

    /**
     * The refusal, if {@code request} needs a CSRF token and does not show the right one.
     *
     * @param formBody the request body, already read, when {@link #needsFormBody} said so
     */
    Optional<Rejection> refusal(GatewayRequest request, Authenticated caller, Optional<byte[]> formBody) {
        if (!applies(request, caller)) {
            return Optional.empty();
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
