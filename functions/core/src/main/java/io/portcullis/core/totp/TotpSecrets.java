package io.portcullis.core.totp;

import java.util.Optional;

/**
 * A user's TOTP secrets, base32. {@code confirmed} is enforced at login; {@code pending} was handed out by an
 * enrolment and becomes the confirmed one once a code from it is presented. Neither is ever sent to a client
 * again; {@link #toString()} shows only whether they exist.
 */
public record TotpSecrets(Optional<String> confirmed, Optional<String> pending) {
    public static final TotpSecrets NONE = new TotpSecrets(Optional.empty(), Optional.empty());

    public TotpSecrets {
        confirmed = confirmed.filter(s -> !s.isEmpty());
        pending = pending.filter(s -> !s.isEmpty());
    }

    /** A secret provisioned by an operator (config, CLI): enforced at once. */
    public static TotpSecrets confirmed(String secret) {
        return new TotpSecrets(Optional.of(secret), Optional.empty());
    }

    public boolean enrolled() {
        return confirmed.isPresent();
    }

    public TotpSecrets withPending(String secret) {
        return new TotpSecrets(confirmed, Optional.of(secret));
    }

    /** The pending secret made the enforced one. */
    public TotpSecrets confirmPending() {
        return new TotpSecrets(pending, Optional.empty());
    }

    @Override
    public String toString() {
        return "TotpSecrets[confirmed=" + confirmed.isPresent() + ", pending=" + pending.isPresent() + "]";
    }
}
