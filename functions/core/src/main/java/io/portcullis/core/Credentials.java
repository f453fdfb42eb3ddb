package io.portcullis.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.net.LocalPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A login's fields, read from a JSON or form body: username and password; the TOTP code ({@code totp_code}, as
 * ProxyAuth names it) for users with a second factor; and, from a browser form, where to go afterwards
 * ({@code redirect}: a path on this site, or the login is refused). The password is a {@code char[]} so it can be
 * wiped after hashing; {@link #toString()} never shows it.
 */
record Credentials(String username, char[] password, Optional<String> totpCode, Optional<String> redirect) {
    private static final List<String> FIELDS = List.of("username", "password", "totp_code", "redirect");

    /** Largest login body read. */
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final int MAX_USERNAME_LENGTH = 128;
    static final int MAX_PASSWORD_LENGTH = 1024;

    static Credentials read(GatewayRequest request) throws BadRequestException {
        String contentType = request.mediaType();
        if (!contentType.equals("application/json") && !contentType.equals("application/x-www-form-urlencoded")) {
            throw new BadRequestException("unsupported_content_type",
                    "send the credentials as application/json or application/x-www-form-urlencoded");
        }
        byte[] body = Json.readBounded(request.body().get(), MAX_BODY_BYTES);
        Map<String, String> fields = contentType.equals("application/json") ? jsonFields(body) : formFields(body);
        String username = fields.get("username");
        String password = fields.get("password");
        if (username == null || password == null || username.isEmpty()) {
            throw new BadRequestException("invalid_request", "username and password are required");
        }
        if (username.length() > MAX_USERNAME_LENGTH || password.length() > MAX_PASSWORD_LENGTH) {
            throw new BadRequestException("invalid_request", "username or password too long");
        }
        Optional<String> totpCode = Optional.ofNullable(fields.get("totp_code")).map(String::strip)
                .filter(code -> !code.isEmpty());
        if (totpCode.filter(code -> code.length() > 16).isPresent()) {
            throw new BadRequestException("invalid_request", "totp_code too long");
        }
        Optional<String> redirect = Optional.ofNullable(fields.get("redirect")).filter(r -> !r.isEmpty());
        if (redirect.isPresent() && !LocalPath.isLocal(redirect.get())) {
            throw new BadRequestException("invalid_redirect", "redirect must be a path on this site (/…)");
        }
        return new Credentials(username, password.toCharArray(), totpCode, redirect);
    }

    private static Map<String, String> jsonFields(byte[] body) throws BadRequestException {
        ObjectNode object = Json.parseObject(body);
        Map<String, String> fields = new HashMap<>();
        for (String name : FIELDS) {
            JsonNode value = object.get(name);
            if (value != null && !value.isNull()) {
                if (!value.isTextual()) {
                    throw new BadRequestException("invalid_request", name + " must be a string");
                }
                fields.put(name, value.textValue());
            }
        }
        return fields;
    }

    private static Map<String, String> formFields(byte[] body) throws BadRequestException {
        Map<String, String> fields = new HashMap<>();
        List<Map.Entry<String, String>> pairs;
        try {
            pairs = FormBody.pairs(body);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("invalid_request", "the form body is not valid URL encoding");
        }
        for (Map.Entry<String, String> pair : pairs) {
            if (FIELDS.contains(pair.getKey()) && fields.putIfAbsent(pair.getKey(), pair.getValue()) != null) {
                throw new BadRequestException("invalid_request", pair.getKey() + " is given twice");
            }
        }
        return fields;
    }

    @Override
    public String toString() {
        return "Credentials[" + username + "]";
    }
}
