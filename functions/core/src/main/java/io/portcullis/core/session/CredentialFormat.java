package io.portcullis.core.session;

/**
 * How session credentials are stored, and how they are opened into {@link BasicCredentials}: a typed component
 * built once with its keys (hyper-auth-proxy passes a bare function a key string on every request).
 */
public sealed interface CredentialFormat permits AesGcmCredentials, Base64Credentials {
    /**
     * Opens what the store holds for {@code sessionId}.
     *
     * @throws UnusableCredentialsException when the stored value cannot be opened
     */
    BasicCredentials open(String sessionId, String stored) throws UnusableCredentialsException;
}
