package io.portcullis.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.token.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AesGcmCredentialsTest {
    private static final CredentialKey C1 = key("c1", 1);
    private static final CredentialKey C2 = key("c2", 2);

    private static CredentialKey key(String id, int fill) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) fill);
        bytes[0] = (byte) (fill * 31);
        return CredentialKey.fromBase64(id, SecretBytes.copyOf(Base64.getEncoder().encode(bytes)));
    }

    private final AesGcmCredentials credentials = new AesGcmCredentials(List.of(C1), new SecureRandom());

    @Test
    void seal_thenOpen_givesBasicOfUserColonPass() throws Exception {
        String sealed = credentials.seal("sid-1", "alice:wonder land:ü");

        assertThat(sealed).startsWith("c1.").doesNotContain("alice");
        assertThat(credentials.open("sid-1", sealed).headerValue()).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("alice:wonder land:ü".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void seal_twice_differs_freshNonce() {
        assertThat(credentials.seal("sid-1", "a:b")).isNotEqualTo(credentials.seal("sid-1", "a:b"));
    }

    @Test
    void open_withoutKeyId_usesTheFirstKey() throws Exception {
        String sealed = credentials.seal("sid-1", "a:b");

        assertThat(credentials.open("sid-1", sealed.substring(3)).headerValue()).isEqualTo("Basic YTpi");
    }

    @Test
    void open_tamperedCiphertext_isUnusable() {
        String sealed = credentials.seal("sid-1", "alice:secret");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        raw[14] ^= 1;

        assertThatThrownBy(() -> credentials.open("sid-1", "c1." + Base64.getEncoder().encodeToString(raw)))
                .isInstanceOf(UnusableCredentialsException.class);
    }

    @Test
    void open_underAnotherKey_orForAnotherSession_isUnusable() {
        String sealed = credentials.seal("sid-1", "alice:secret");
        AesGcmCredentials other = new AesGcmCredentials(List.of(key("c1", 9)), new SecureRandom());

        assertThatThrownBy(() -> other.open("sid-1", sealed)).isInstanceOf(UnusableCredentialsException.class);
        assertThatThrownBy(() -> credentials.open("sid-2", sealed)).isInstanceOf(UnusableCredentialsException.class);
    }

    @Test
    void open_namingAnUnknownKey_orGarbage_isUnusable() {
        String sealed = new AesGcmCredentials(List.of(C2), new SecureRandom()).seal("sid-1", "a:b");

        assertThatThrownBy(() -> credentials.open("sid-1", sealed)).isInstanceOf(UnusableCredentialsException.class);
        for (String junk : List.of("", "c1.", "c1.!!!", "c1.AAAA", "dXNlcjpwYXNz")) {
            assertThatThrownBy(() -> credentials.open("sid-1", junk)).as(junk)
                    .isInstanceOf(UnusableCredentialsException.class);
        }
    }

    @Test
    void rotation_bothKeysOpen_theFirstSeals() throws Exception {
        String old = credentials.seal("sid-1", "a:b");
        AesGcmCredentials rotated = new AesGcmCredentials(List.of(C2, C1), new SecureRandom());

        assertThat(rotated.open("sid-1", old).headerValue()).isEqualTo("Basic YTpi");
        assertThat(rotated.seal("sid-1", "a:b")).startsWith("c2.");
    }

    @Test
    void key_ofTheWrongSize_isRefused() {
        assertThatThrownBy(() -> CredentialKey.fromBase64("k", SecretBytes.copyOf("c2hvcnQ=".getBytes(
                StandardCharsets.US_ASCII)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
    }

    @Test
    void base64Format_passesTheStoredValue_andRefusesJunk() throws Exception {
        Base64Credentials base64 = new Base64Credentials();

        assertThat(base64.open("s", "dXNlcjpwYXNz\n").headerValue()).isEqualTo("Basic dXNlcjpwYXNz");
        for (String junk : List.of("not base64!", Base64.getEncoder().encodeToString("nocolon".getBytes(
                StandardCharsets.UTF_8)), Base64.getEncoder().encodeToString("a:b\r\nX: y".getBytes(
                StandardCharsets.UTF_8)))) {
            assertThatThrownBy(() -> base64.open("s", junk)).as(junk).isInstanceOf(UnusableCredentialsException.class);
        }
    }

    @Test
    void nothingPrintsASecret() {
        assertThat(C1.toString()).doesNotContain("AQE");
        assertThat(new Base64Credentials().toString()).isEqualTo("Base64Credentials");
    }
}
