package io.portcullis.core.port;

import java.time.Instant;
import java.util.List;

/**
 * The identity assertions' signing keys when the gateway generates them itself (no keys in the config), shared by
 * every instance on the store. The core decides when to add one and which one signs; the store only keeps them.
 */
public interface SigningKeyStore {
    /**
     * A stored key.
     *
     * @param keyId its {@code kid}
     * @param publicJwk the public key as a JWK (JSON): published as it is
     * @param sealedPrivateKey the private key, sealed under the token keys: a store dump does not sign anything
     * @param createdAt when it was generated
     * @param expiresAt when the store may forget it (long after it last signed)
     */
    record StoredKey(String keyId, String publicJwk, String sealedPrivateKey, Instant createdAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "StoredKey[" + keyId + ", created " + createdAt + "]";
        }
    }

    /** Every key stored and not yet past {@code expiresAt}, oldest first. */
    List<StoredKey> keys();

    /** Stores {@code key} unless a key with its id is there; whether it was stored. */
    boolean add(StoredKey key);
}
