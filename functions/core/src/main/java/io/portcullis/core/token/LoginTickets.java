package io.portcullis.core.token;

import io.portcullis.core.port.KeyRing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Tickets that carry a browser's two-step sign-in from the password to the code: proof that {@code username}'s
 * password was right moments ago, so the code step neither sends the password again nor keeps it in the page.
 * {@code <key id>.base64url(username).<expiry, epoch seconds>.base64url(HMAC-SHA256(k, username, expiry))}, {@code k}
 * derived from the token key for this purpose alone: a ticket is no token and no CSRF token, and opens nothing but
 * the code step of its own user, until it expires. Nothing is stored, so any instance with the same keys finishes a
 * sign-in another one began.
 */
public final class LoginTickets {
    /** How long the code step may take. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAX_LENGTH = 512;

    private final KeyRing keys;
    private final DerivedMac macs = new DerivedMac("login-ticket");

    public LoginTickets(KeyRing keys) {
        this.keys = keys;
    }

    /** A ticket for {@code username}, whose password was verified at {@code now}. */
    public String issue(String username, Instant now) {
        TokenKey key = keys.issuingKey();
        long expires = now.plus(LIFETIME).getEpochSecond();
        return key.id() + "." + ENCODER.encodeToString(username.getBytes(StandardCharsets.UTF_8)) + "." + expires
                + "." + ENCODER.encodeToString(mac(key, username, expires));
    }

    /** The user whose password step {@code ticket} proves, if it is genuine and not expired at {@code now}. */
    public Optional<String> verify(String ticket, Instant now) {
        String[] parts = ticket.length() > MAX_LENGTH ? new String[0] : ticket.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        Optional<TokenKey> key = keys.key(parts[0]);
        try {
            String username = new String(DECODER.decode(parts[1]), StandardCharsets.UTF_8);
            long expires = Long.parseLong(parts[2]);
            if (key.isEmpty() || !MessageDigest.isEqual(mac(key.get(), username, expires), DECODER.decode(parts[3]))
                    || now.getEpochSecond() >= expires) {
                return Optional.empty();
            }
            return Optional.of(username);
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private byte[] mac(TokenKey key, String username, long expires) {
        return macs.mac(key, (username + "\n" + expires).getBytes(StandardCharsets.UTF_8));
    }
}
