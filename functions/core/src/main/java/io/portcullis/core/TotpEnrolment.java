package io.portcullis.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.config.GatewayConfig.TotpSettings;
import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.limit.RateLimit;
import io.portcullis.core.port.RateLimiter;
import io.portcullis.core.port.UserRegistry;
import io.portcullis.core.token.Claims;
import io.portcullis.core.totp.Totp;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A user sets up their own second factor, signed in with their token (bearer, or the session cookie with the CSRF
 * token):
 *
 * <ol>
 *   <li>{@code POST /auth/totp/enrol} makes a new secret, keeps it pending, and returns its {@code otpauth://} URI:
 *       the only time it is ever sent. A user who already has a confirmed secret must send a valid code from it
 *       ({@code {"code": "123456"}}): a stolen token alone cannot replace the second factor.</li>
 *   <li>{@code POST /auth/totp/confirm} with a code from the pending secret makes it the one logins need. Until
 *       then the old one (or none) stays in force, so a user who never scans the code is not locked out.</li>
 * </ol>
 * Every attempt counts against the user's login rate limit, since each one tests a code.
 */
final class TotpEnrolment {
    private static final int MAX_BODY_BYTES = 1024;

    private final CheckToken checkToken;
    private final CsrfGuard csrf;
    private final UserRegistry users;
    private final SecondFactor secondFactor;
    private final Totp totp;
    private final TotpSettings settings;
    private final RateLimiter limiter;
    private final RateLimit limit;
    private final SecureRandom random;
    private final Clock clock;

    TotpEnrolment(CheckToken checkToken, CsrfGuard csrf, UserRegistry users, SecondFactor secondFactor, Totp totp,
            TotpSettings settings, RateLimiter limiter, RateLimit limit, SecureRandom random, Clock clock) {
        this.checkToken = checkToken;
        this.csrf = csrf;
        this.users = users;
        this.secondFactor = secondFactor;
        this.totp = totp;
        this.settings = settings;
        this.limiter = limiter;
        this.limit = limit;
        this.random = random;
        this.clock = clock;
    }

    Reply enrol(GatewayRequest request) {
        return withUser(request, (user, code, now) -> {
            if (user.totp().enrolled()) {
                Optional<Rejection> refused = checkCode(user, user.totp().confirmed().get(), code, now,
                        "replacing your second factor needs a code from the current one");
                if (refused.isPresent()) {
                    return refused.get();
                }
            }
            String secret = Totp.newSecret(random);
            users.saveUser(user.withTotp(user.totp().withPending(secret)));
            ObjectNode body = Json.object()
                    .put("otpauth_uri", totp.uri(settings.issuer(), user.username(), secret))
                    .put("confirm", "POST /auth/totp/confirm {\"code\": \"<code from the app>\"}");
            GatewayResponse response = new GatewayResponse(200, List.of(new Header("Content-Type",
                    "application/json"), new Header("Cache-Control", "no-store"), new Header("Pragma", "no-cache")),
                    Json.bytes(body));
            return () -> response;
        });
    }

    Reply confirm(GatewayRequest request) {
        return withUser(request, (user, code, now) -> {
            if (user.totp().pending().isEmpty()) {
                return new Rejection(409, "no_pending_enrolment", "start with POST /auth/totp/enrol",
                        "no_pending_enrolment", List.of());
            }
            Optional<Rejection> refused = checkCode(user, user.totp().pending().get(), code, now,
                    "send a code from the new secret");
            if (refused.isPresent()) {
                return refused.get();
            }
            users.saveUser(user.withTotp(user.totp().confirmPending()));
            GatewayResponse response = new GatewayResponse(204, List.of(new Header("Cache-Control", "no-store")),
                    new byte[0]);
            return () -> response;
        });
    }

    private interface Step {
        Reply apply(User user, Optional<String> code, Instant now);
    }

    /** Authenticates, checks CSRF, counts the attempt, reads the optional code, finds the user; then {@code step}. */
    private Reply withUser(GatewayRequest request, Step step) {
        AuthResult auth = csrf.authenticate(checkToken, request);
        if (auth instanceof Rejection rejection) {
            return rejection;
        }
        Authenticated caller = (Authenticated) auth;
        Claims claims = caller.claims();
        Instant now = clock.instant();
        RateDecision decision = limiter.acquire("auth:user:" + claims.subject(), limit);
        if (!decision.allowed()) {
            return Rejection.rateLimited(decision);
        }
        Optional<String> code;
        try {
            code = code(request);
        } catch (BadRequestException e) {
            return e.rejection();
        }
        Optional<User> user = users.findUser(claims.subject());
        if (user.isEmpty()) {
            return Rejection.forbidden("this token's user no longer exists", "no_such_user");
        }
        return step.apply(user.get(), code, now);
    }

    private Optional<Rejection> checkCode(User user, String secret, Optional<String> code, Instant now,
            String missing) {
        if (code.isEmpty()) {
            return Optional.of(Rejection.badRequest("code_required", missing));
        }
        return switch (secondFactor.spend(user.username(), secret, code.get(), now)) {
            case ACCEPTED -> Optional.empty();
            case WRONG -> Optional.of(new Rejection(403, "invalid_code", "the code is not valid now",
                    "wrong_totp_code", List.of()));
            case REUSED -> Optional.of(new Rejection(403, "invalid_code", "the code has been used already",
                    "totp_code_reused", List.of()));
        };
    }

    /** {@code {"code": "123456"}}; an empty body has none. */
    private static Optional<String> code(GatewayRequest request) throws BadRequestException {
        byte[] body = Json.readBounded(request.body().get(), MAX_BODY_BYTES);
        if (body.length == 0) {
            return Optional.empty();
        }
        ObjectNode object = Json.parseObject(body);
        JsonNode code = object.get("code");
        if (code == null || code.isNull()) {
            return Optional.empty();
        }
        if (!code.isTextual()) {
            throw new BadRequestException("invalid_request", "code must be a string of digits");
        }
        return Optional.of(code.textValue().strip());
    }
}
