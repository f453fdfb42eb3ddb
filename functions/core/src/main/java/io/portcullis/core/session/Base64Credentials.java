package io.portcullis.core.session;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * hyper-auth-proxy's stored form: the value is already {@code base64(user:pass)} and goes upstream unchanged after
 * {@code Basic }, with one trailing newline removed (as hyper-auth-proxy does). Unlike hyper-auth-proxy it is
 * checked first: standard base64 of UTF-8 text holding a colon, so a corrupt value is a 401, never a header the
 * backend cannot parse. Credentials stored this way are readable by anyone who can read the store: prefer
 * {@link AesGcmCredentials}.
 */
public final class Base64Credentials implements CredentialFormat {
    @Override
    public BasicCredentials open(String sessionId, String stored) throws UnusableCredentialsException {
        String value = stored.endsWith("\n") ? stored.substring(0, stored.length() - 1) : stored;
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new UnusableCredentialsException("stored credentials are not base64");
        }
        if (!isUserColonPass(decoded)) {
            throw new UnusableCredentialsException("stored credentials are not base64 of user:pass");
        }
        return new BasicCredentials(value);
    }

    static boolean isUserColonPass(byte[] decoded) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded)).toString();
            return text.indexOf(':') > 0 && text.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "Base64Credentials";
    }
}
