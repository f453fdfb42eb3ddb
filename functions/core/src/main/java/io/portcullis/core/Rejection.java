package io.portcullis.core;

import io.portcullis.core.limit.RateDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.token.Identity;

/**
 * The gateway refuses a request and answers it itself, with a JSON body {@code {"error", "message"}}.
 *
 * @param status the HTTP status
 * @param error the machine-readable code sent to the client
 * @param message the client-safe text
 * @param reason the precise cause, for logs and metrics only (a login answers "invalid credentials" whether the
 *     user is unknown or the password wrong; the reason tells them apart)
 * @param headers extra response headers
 * @param extraFields more members of the JSON body
 * @param identity whom the answer concerns, when the gateway knows though the request did not authenticate (a
 *     refresh token's login): for logs and audit lines only, never sent
 */
public record Rejection(int status, String error, String message, String reason, List<Header> headers,
        Optional<ObjectNode> extraFields, Optional<Identity> identity) implements LoginResult, AuthResult,
        ForwardDecision, RevokeResult, SessionResult, AdminAccess {

    private static final Header BEARER_CHALLENGE = new Header("WWW-Authenticate", "Bearer realm=\"portcullis\"");

    public Rejection {
        headers = List.copyOf(headers);
        extraFields = extraFields.map(ObjectNode::deepCopy);
    }

    public Rejection(int status, String error, String message, String reason, List<Header> headers,
            Optional<ObjectNode> extraFields) {
        this(status, error, message, reason, headers, extraFields, Optional.empty());
    }

    public Rejection(int status, String error, String message, String reason, List<Header> headers) {
        this(status, error, message, reason, headers, Optional.empty(), Optional.empty());
    }

    /** This answer, noted as concerning {@code who} (in logs only). */
    public Rejection about(Identity who) {
        return new Rejection(status, error, message, reason, headers, extraFields, Optional.of(who));
    }

    public GatewayResponse toResponse() {
        List<Header> all = new ArrayList<>(headers.size() + 2);
        all.add(new Header("Content-Type", "application/json"));
        all.add(new Header("Cache-Control", "no-store"));
        all.addAll(headers);
        ObjectNode body = Json.object().put("error", error).put("message", message);
        extraFields.ifPresent(body::setAll);
        return new GatewayResponse(status, all, Json.bytes(body));
    }

    /** This refusal with more headers (a CORS grant, say). */
    public Rejection withHeaders(List<Header> more) {
        List<Header> all = new ArrayList<>(headers);
        all.addAll(more);
        return new Rejection(status, error, message, reason, all, extraFields, identity);
    }

    public static Rejection badRequest(String error, String message) {
        return new Rejection(400, error, message, error, List.of());
    }

    public static Rejection missingToken() {
        return new Rejection(401, "missing_token", "this route needs a bearer token", "missing_token",
                List.of(BEARER_CHALLENGE));
    }

    public static Rejection invalidToken(String message, String reason) {
        return new Rejection(401, "invalid_token", message, reason, List.of(new Header("WWW-Authenticate",
                "Bearer realm=\"portcullis\", error=\"invalid_token\"")));
    }

    /**
     * The token is valid but names no session with usable backend credentials (ended, never started, or stored
     * unreadably): the client must sign in again.
     */
    public static Rejection invalidSession(String message, String reason) {
        return new Rejection(401, "invalid_session", message, reason, List.of(new Header("WWW-Authenticate",
                "Bearer realm=\"portcullis\", error=\"invalid_token\"")));
    }

    public static Rejection invalidCredentials(String reason, RateDecision decision) {
        return new Rejection(401, "invalid_credentials", "wrong username or password", reason,
                RateLimitHeaders.of(decision));
    }

    public static Rejection forbidden(String message, String reason) {
        return new Rejection(403, "forbidden", message, reason, List.of());
    }

    public static Rejection notFound() {
        return new Rejection(404, "not_found", "no route for this path", "no_route", List.of());
    }

    public static Rejection methodNotAllowed(String allow) {
        return new Rejection(405, "method_not_allowed", "this route does not accept that method",
                "method_not_allowed", List.of(new Header("Allow", allow)));
    }

    public static Rejection rateLimited(RateDecision decision) {
        return new Rejection(429, "rate_limited",
                "too many requests; retry in " + decision.retryAfterSeconds() + " s", "rate_limited",
                RateLimitHeaders.of(decision));
    }

    /**
     * A 429 in ProxyAuth's body shape, {@code {"code":429,"error":"TooManyRequests","message":"Too Many
     * Requests","after":N}}, for clients written against it (its {@code error} and {@code message} keys too).
     */
    public static Rejection rateLimitedProxyAuthStyle(RateDecision decision) {
        return new Rejection(429, "TooManyRequests", "Too Many Requests", "rate_limited",
                RateLimitHeaders.of(decision), Optional.of(Json.object().put("code", 429)
                        .put("after", decision.retryAfterSeconds())));
    }

    public static Rejection overloaded() {
        return new Rejection(503, "overloaded", "too many logins in progress; retry shortly", "login_pool_full",
                List.of(new Header("Retry-After", "1")));
    }

    public static Rejection unavailable() {
        return new Rejection(503, "unavailable", "a store the gateway depends on is unavailable; retry shortly",
                "store_unavailable", List.of(new Header("Retry-After", "1")));
    }

    public static Rejection badGateway() {
        return new Rejection(502, "bad_gateway", "the backend could not be reached", "upstream_unreachable",
                List.of());
    }

    /** Every connection a backend may have stayed busy for the whole queue timeout. */
    public static Rejection upstreamBusy() {
        return new Rejection(503, "upstream_busy", "the backend is busy with other requests; retry shortly",
                "upstream_busy", List.of(new Header("Retry-After", "1")));
    }

    public static Rejection gatewayTimeout() {
        return new Rejection(504, "gateway_timeout", "the backend did not answer in time", "upstream_timeout",
                List.of());
    }

    public static Rejection internalError() {
        return new Rejection(500, "internal_error", "the gateway failed to handle this request", "internal_error",
                List.of());
    }
}
