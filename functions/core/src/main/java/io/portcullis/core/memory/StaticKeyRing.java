package io.portcullis.core.memory;

import io.portcullis.core.port.KeyRing;
import io.portcullis.core.token.TokenKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A key ring fixed at startup, from configuration or an environment variable. */
public final class StaticKeyRing implements KeyRing {
    private final TokenKey issuing;
    private final Map<String, TokenKey> byId;

    /**
     * @param issuing the key that seals new tokens
     * @param all every key that verifies, the issuing key included
     */
    public StaticKeyRing(TokenKey issuing, List<TokenKey> all) {
        Map<String, TokenKey> keys = new LinkedHashMap<>();
        for (TokenKey key : all) {
            if (keys.putIfAbsent(key.id(), key) != null) {
                throw new IllegalArgumentException("key id '" + key.id() + "' is configured twice");
            }
        }
        if (keys.get(issuing.id()) != issuing) {
            throw new IllegalArgumentException("the issuing key must be one of the keys");
        }
        this.issuing = issuing;
        this.byId = Map.copyOf(keys);
    }

    public static StaticKeyRing of(TokenKey only) {
        return new StaticKeyRing(only, List.of(only));
    }

    @Override
    public TokenKey issuingKey() {
        return issuing;
    }

    @Override
    public Optional<TokenKey> key(String keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }
}
