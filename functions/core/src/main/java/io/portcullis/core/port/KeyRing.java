package io.portcullis.core.port;

import io.portcullis.core.token.TokenKey;
import java.util.Optional;

/**
 * The token keys: exactly one issues new tokens, every key verifies. Keeping an old key here after adding a new
 * issuing one rotates keys without logging anyone out.
 */
public interface KeyRing {
    /** The key that seals new tokens. */
    TokenKey issuingKey();

    /** The key with this id, if it is configured. */
    Optional<TokenKey> key(String keyId);
}
