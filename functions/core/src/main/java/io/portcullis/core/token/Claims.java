package io.portcullis.core.token;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * What a token says: who it was issued to, its id, when it was issued, when it expires and the subject's roles.
 * Times are kept to the millisecond, as on the wire. A claim set cannot be built without a lifetime.
 */
public record Claims(String subject, TokenId tokenId, Instant issuedAt, Instant expiresAt, List<String> roles) {
    static final int MAX_TEXT_BYTES = 255;
    static final int MAX_ROLES = 64;

    public Claims {
        Objects.requireNonNull(tokenId, "tokenId");
        issuedAt = issuedAt.truncatedTo(ChronoUnit.MILLIS);
        expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("a token must expire after it is issued");
        }
        requireText(subject, "subject");
        roles = List.copyOf(roles);
        if (roles.size() > MAX_ROLES) {
            throw new IllegalArgumentException("at most " + MAX_ROLES + " roles fit in a token");
        }
        roles.forEach(role -> requireText(role, "role"));
    }

    private static void requireText(String text, String what) {
        // A character is at most 3 UTF-8 bytes here, so short texts need no encoding to be measured.
        boolean fits = text != null && !text.isEmpty() && (text.length() * 3 <= MAX_TEXT_BYTES
                || text.getBytes(StandardCharsets.UTF_8).length <= MAX_TEXT_BYTES);
        if (!fits) {
            throw new IllegalArgumentException("a token " + what + " is 1 to " + MAX_TEXT_BYTES + " bytes of UTF-8");
        }
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** The identity these claims establish. */
    public Identity identity() {
        return new Identity(subject, roles, tokenId, expiresAt);
    }
}
