package io.portcullis.core;

import io.portcullis.core.net.Cookies;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A token carried in a cookie: the browser session cookie (a Portcullis token), or a JWT cookie. Plain: the value
 * is the token. hyper-auth-proxy's form ({@code base64: true}): the value
 * is standard base64 of the JWT, whose decoded text may be wrapped in double quotes (a JSON string). Either way the
 * value may be an RFC 6265 quoted string. Every malformed shape (bad base64, not UTF-8, a lone quote, several
 * cookies of that name) is a {@link MalformedCookieException}, which the gateway answers with 401: where
 * hyper-auth-proxy panics on a lone quote, this never throws anything else.
 */
final class TokenCookie {
    /** The cookie could not be read as a JWT; the message never holds its value. */
    static final class MalformedCookieException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedCookieException(String message) {
            super(message, null, false, false);
        }
    }

    private final String name;
    private final boolean base64;

    TokenCookie(String name, boolean base64) {
        this.name = name;
        this.base64 = base64;
    }

    String name() {
        return name;
    }

    /** The token in the request's cookie, if the cookie is there. */
    Optional<String> find(RequestHeaders headers) throws MalformedCookieException {
        List<String> values = Cookies.values(headers.all("Cookie"), name);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            // Another site on a parent domain could plant a second one (cookie tossing): refuse to guess.
            throw new MalformedCookieException("several cookies named " + name);
        }
        return Optional.of(decode(values.getFirst()));
    }

    String decode(String raw) throws MalformedCookieException {
        String value = unquote(raw, "cookie value");
        if (!base64) {
            return value;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new MalformedCookieException("cookie is not standard base64");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedCookieException("decoded cookie is not UTF-8");
        }
        return unquote(text, "decoded cookie");
    }

    /** One pair of surrounding double quotes removed; a quote on one side only is malformed. */
    private static String unquote(String text, String what) throws MalformedCookieException {
        boolean starts = text.startsWith("\"");
        boolean ends = text.length() > 1 && text.endsWith("\"");
        if (starts != ends || text.equals("\"")) {
            throw new MalformedCookieException(what + " has a lone double quote");
        }
        String inner = starts ? text.substring(1, text.length() - 1) : text;
        if (inner.isEmpty()) {
            throw new MalformedCookieException(what + " is empty");
        }
        return inner;
    }
}
