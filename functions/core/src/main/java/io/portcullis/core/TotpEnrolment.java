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
 * Every attempt counts against the user's login rate limit, since each one tests a code. Each step writes only the
 * TOTP secrets, and only if they are as this request read them: an administrator's removal, password or role
 * change made meanwhile is never written back over (409 instead).
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

    /** {@code POST /auth/totp/enrol}: a new pending secret, answered in JSON. */
    Reply enrol(GatewayRequest request) {
        return fromJson(request, this::start);
    }

    /** {@code POST /auth/totp/confirm}: the pending secret becomes the one logins need. */
    Reply confirm(GatewayRequest request) {
        return fromJson(request, this::finish);
    }

    /** An enrolment from a page: {@code caller} is authenticated and CSRF-checked already; the code came in a form. */
    Reply enrol(Authenticated caller, Optional<String> code) {
        return counted(caller, () -> code, this::start);
    }

    /** A confirmation from a page, as {@link #enrol(Authenticated, Optional)}. */
    Reply confirm(Authenticated caller, Optional<String> code) {
        return counted(caller, () -> code, this::finish);
    }

    /**
     * A new secret, pending until confirmed, and its {@code otpauth://} URI: the only time either leaves the
     * gateway. {@link #toString()} shows neither.
     */
    record NewSecret(String otpauthUri, String secret) implements Reply {
        @Override
        public GatewayResponse toResponse() {
            ObjectNode body = Json.object()
                    .put("otpauth_uri", otpauthUri)
                    .put("confirm", "POST /auth/totp/confirm {\"code\": \"<code from the app>\"}");
            return new GatewayResponse(200, List.of(new Header("Content-Type", "application/json"),
                    new Header("Cache-Control", "no-store"), new Header("Pragma", "no-cache")), Json.bytes(body));
        }

        @Override
        public String toString() {
            return "NewSecret[]";
        }
    }

    private Reply start(User user, Optional<String> code, Instant now) {
        if (user.totp().enrolled()) {
            Optional<Rejection> refused = checkCode(user, user.totp().confirmed().get(), code, now,
                    "replacing your second factor needs a code from the current one");
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        String secret = Totp.newSecret(random);
        if (!users.startTotpEnrolment(user.username(), user.totp().confirmed(), secret)) {
            return changedMeanwhile();
        }
        return new NewSecret(totp.uri(settings.issuer(), user.username(), secret), secret);
    }

    private Reply finish(User user, Optional<String> code, Instant now) {
        if (user.totp().pending().isEmpty()) {
            return new Rejection(409, "no_pending_enrolment", "start with POST /auth/totp/enrol",
                    "no_pending_enrolment", List.of());
        }
        Optional<Rejection> refused = checkCode(user, user.totp().pending().get(), code, now,
                "send a code from the new secret");
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!users.confirmTotpEnrolment(user.username(), user.totp().pending().get())) {
            return changedMeanwhile();
        }
        GatewayResponse response = new GatewayResponse(204, List.of(new Header("Cache-Control", "no-store")),
                new byte[0]);
        return () -> response;
    }

    /**
     * The user record changed between this request's read and its write (removed, re-provisioned, another
     * enrolment): nothing was written, so an administrator's change stands.
     */
    private static Rejection changedMeanwhile() {
        return new Rejection(409, "enrolment_conflict", "the account changed while enrolling; start again",
                "totp_enrolment_conflict", List.of());
    }

    private interface Step {
        Reply apply(User user, Optional<String> code, Instant now);
    }

    private interface CodeSource {
        Optional<String> read() throws BadRequestException;
    }

    /** Authenticates (with the CSRF token, for the session cookie) and reads {@code {"code"}}; then {@code step}. */
    private Reply fromJson(GatewayRequest request, Step step) {
        AuthResult auth = csrf.authenticate(checkToken, request);
        if (auth instanceof Rejection rejection) {
            return rejection;
        }
        return counted((Authenticated) auth, () -> code(request), step);
    }

    /** Counts the attempt against the user's login limit, reads the code if any, finds the user; then {@code step}. */
    private Reply counted(Authenticated caller, CodeSource codes, Step step) {
        Claims claims = caller.claims();
        Instant now = clock.instant();
        RateDecision decision = limiter.acquire("auth:user:" + claims.subject(), limit);
        if (!decision.allowed()) {
            return Rejection.rateLimited(decision);
        }
        Optional<String> code;
        try {
            code = codes.read();
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
