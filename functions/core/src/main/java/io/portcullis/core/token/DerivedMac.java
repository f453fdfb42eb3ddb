package io.portcullis.core.token;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under a key derived from a token key for one purpose ({@link TokenKey#derive(String, int)}), so the
 * values made for one purpose (CSRF tokens, login tickets) never verify for another, and nothing needs storing:
 * every instance with the same token keys computes the same MAC.
 */
final class DerivedMac {
    private final String purpose;
    private final Map<String, SecretKeySpec> keys = new ConcurrentHashMap<>();

    DerivedMac(String purpose) {
        this.purpose = purpose;
    }

    byte[] mac(TokenKey key, byte[] message) {
        SecretKeySpec macKey = keys.computeIfAbsent(key.id(), id -> {
            byte[] secret = key.derive(purpose, 32);
            try {
                return new SecretKeySpec(secret, "HmacSHA256");
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        });
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
