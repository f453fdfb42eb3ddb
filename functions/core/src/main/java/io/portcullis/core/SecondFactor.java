package io.portcullis.core;

import io.portcullis.core.limit.RateDecision;
import io.portcullis.core.port.UserRegistry;
import io.portcullis.core.totp.Base32;
import io.portcullis.core.totp.Totp;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The TOTP second factor at login: a user with a confirmed secret must add a code ({@code totp_code}); with
 * {@code totp.required}, a user without one cannot log in at all. A code counts once: the step it belongs to is
 * spent in the user store, atomically, so no instance accepts it again.
 */
final class SecondFactor {
    private final UserRegistry users;
    private final Totp totp;
    private final boolean required;

    SecondFactor(UserRegistry users, Totp totp, boolean required) {
        this.users = users;
        this.totp = totp;
        this.required = required;
    }

    /**
     * Why {@code user}, whose password was right, may not log in with {@code code}; empty when they may. A missing
     * code says so (the client must ask for one); a wrong or reused code answers like a wrong password.
     */
    Optional<Rejection> refusal(User user, Optional<String> code, RateDecision rate, Instant now) {
        Optional<String> secret = user.totp().confirmed();
        if (secret.isEmpty()) {
            return required ? Optional.of(new Rejection(401, "totp_not_enrolled", "this account needs a second "
                    + "factor and has none; ask an administrator to provision one", "totp_not_enrolled",
                    RateLimitHeaders.of(rate))) : Optional.empty();
        }
        if (code.isEmpty()) {
            return Optional.of(new Rejection(401, "totp_required", "this account needs a one-time code: send "
                    + "totp_code with the password", "totp_required", RateLimitHeaders.of(rate)));
        }
        return switch (spend(user.username(), secret.get(), code.get(), now)) {
            case ACCEPTED -> Optional.empty();
            case WRONG -> Optional.of(Rejection.invalidCredentials("wrong_totp_code", rate));
            case REUSED -> Optional.of(Rejection.invalidCredentials("totp_code_reused", rate));
        };
    }

    enum Outcome { ACCEPTED, WRONG, REUSED }

    /** Checks {@code code} against {@code base32Secret} and, if it matches, spends its step. */
    Outcome spend(String username, String base32Secret, String code, Instant now) {
        OptionalLong step = totp.matchingStep(Base32.decode(base32Secret), code, now);
        if (step.isEmpty()) {
            return Outcome.WRONG;
        }
        return users.useTotpStep(username, step.getAsLong()) ? Outcome.ACCEPTED : Outcome.REUSED;
    }
}
