package io.portcullis.core.token;

import io.portcullis.core.port.KeyRing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * CSRF tokens bound to a browser session: {@code <key id>.base64url(HMAC-SHA256(k, token id))}, where {@code k} is
 * derived from the token key of that id. Nothing is stored, so every instance sharing the keys accepts the tokens
 * of every other, a page may submit as often as it likes, and a token from another session never matches. A key
 * kept in the ring for verification keeps its CSRF tokens valid too.
 */
public final class CsrfTokens {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final KeyRing keys;
    private final DerivedMac macs = new DerivedMac("csrf");

    public CsrfTokens(KeyRing keys) {
        this.keys = keys;
    }

    /** The CSRF token of the session whose token has this id. */
    public String issue(TokenId session) {
        TokenKey key = keys.issuingKey();
        return key.id() + "." + ENCODER.encodeToString(mac(key, session));
    }

    /** Whether {@code presented} is the CSRF token of {@code session}, compared in constant time. */
    public boolean matches(String presented, TokenId session) {
        int dot = presented.indexOf('.');
        if (dot <= 0 || presented.length() > 128) {
            return false;
        }
        Optional<TokenKey> key = keys.key(presented.substring(0, dot));
        if (key.isEmpty()) {
            return false;
        }
        byte[] expected = ENCODER.encodeToString(mac(key.get(), session)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] mac(TokenKey key, TokenId session) {
        return macs.mac(key, session.value().getBytes(StandardCharsets.US_ASCII));
    }
}
