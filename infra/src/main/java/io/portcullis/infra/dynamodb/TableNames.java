package io.portcullis.infra.dynamodb;

import java.util.List;

/** The names of Portcullis's tables. */
public record TableNames(String users, String revocations, String rateLimits, String sessions,
        String refreshTokens, String signingKeys) {
    /**
     * {@code prefix + users}, {@code prefix + revocations}, {@code prefix + rate-limits}, {@code prefix + sessions},
     * {@code prefix + refresh-tokens}, {@code prefix + signing-keys}.
     */
    public static TableNames withPrefix(String prefix) {
        return new TableNames(prefix + "users", prefix + "revocations", prefix + "rate-limits", prefix + "sessions",
                prefix + "refresh-tokens", prefix + "signing-keys");
    }

    public List<String> all() {
        return List.of(users, revocations, rateLimits, sessions, refreshTokens, signingKeys);
    }
}
