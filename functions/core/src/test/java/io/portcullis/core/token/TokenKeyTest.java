package io.portcullis.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.Fixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenKeyTest {
    @Test
    void derive_secretShorterThan32Bytes_isRefused() {
        assertThatThrownBy(() -> derive("k1", "Zx7QwVb2RtYs9MdJf6GcUe3AiKoP8Wl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("31 bytes").hasMessageContaining("at least 32");
    }

    @Test
    void derive_repetitiveSecret_isRefused() {
        assertThatThrownBy(() -> derive("k1", "a".repeat(64))).hasMessageContaining("predictable");
        assertThatThrownBy(() -> derive("k1", "supersecretvaluesupersecretvalue")).hasMessageContaining("predictable");
    }

    @Test
    void derive_randomSecrets_areAccepted() {
        assertThat(derive("k1", Fixtures.SECRET).id()).isEqualTo("k1");
        assertThat(derive("k2", "3f9a1c7e5b2d8046a1e9c3b7d5f20864e1a3c5b7d9f0246813579bdf02468ace").id()).isEqualTo("k2");
    }

    @Test
    void derive_badKeyId_isRefused() {
        assertThatThrownBy(() -> derive("has space", Fixtures.SECRET)).hasMessageContaining("key id");
        assertThatThrownBy(() -> derive("", Fixtures.SECRET)).hasMessageContaining("key id");
    }

    @Test
    void toString_revealsNoKeyMaterial() {
        SecretBytes secret = SecretBytes.copyOf(Fixtures.SECRET.getBytes(StandardCharsets.UTF_8));

        assertThat(secret.toString()).doesNotContain(Fixtures.SECRET).contains("redacted");
        assertThat(derive("k1", Fixtures.SECRET).toString()).isEqualTo("TokenKey[k1]");
    }

    @Test
    void secretBytes_comparesByContent() {
        byte[] bytes = Fixtures.SECRET.getBytes(StandardCharsets.UTF_8);

        assertThat(SecretBytes.copyOf(bytes).equalsSecret(SecretBytes.copyOf(bytes.clone()))).isTrue();
        assertThat(SecretBytes.copyOf(bytes).equalsSecret(SecretBytes.copyOf(new byte[bytes.length]))).isFalse();
    }

    private static TokenKey derive(String id, String secret) {
        return TokenKey.derive(id, SecretBytes.copyOf(secret.getBytes(StandardCharsets.UTF_8)));
    }
}
