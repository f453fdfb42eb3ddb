package io.portcullis.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.port.RevocationStore;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The admin API, for an admin ({@link AdminGuard}): {@code GET /admin/tokens[?user=NAME]} (the live tokens this
 * instance has issued or seen), {@code POST /admin/revoke}, {@code GET /admin/users}, and
 * {@code GET}/{@code PUT}/{@code DELETE /admin/users/NAME} ({@link ManageUsers}; the name percent-encoded in one
 * path segment). Only these exact paths are the gateway's: any other {@code /admin/…} path belongs to the routes.
 * Every answer is JSON; a wrong method gets 405 with {@code Allow} before the caller is checked.
 */
final class AdminEndpoints {
    static final String REVOKE = "/admin/revoke";
    private static final String TOKENS = "/admin/tokens";
    private static final String USERS = "/admin/users";
    private static final String ONE_USER = "/admin/users/";

    private final AdminGuard admins;
    private final RevokeTokens revokeTokens;
    private final TokenStats tokens;
    private final RevocationStore revocations;
    private final ManageUsers users;

    AdminEndpoints(AdminGuard admins, RevokeTokens revokeTokens, TokenStats tokens, RevocationStore revocations,
            ManageUsers users) {
        this.admins = admins;
        this.revokeTokens = revokeTokens;
        this.tokens = tokens;
        this.revocations = revocations;
        this.users = users;
    }

    /** Whether {@code rawPath} is one of the admin API's paths. */
    static boolean isAdminPath(String rawPath) {
        return rawPath.equals(REVOKE) || rawPath.equals(TOKENS) || rawPath.equals(USERS) || isOneUser(rawPath);
    }

    private static boolean isOneUser(String rawPath) {
        return rawPath.startsWith(ONE_USER) && rawPath.length() > ONE_USER.length()
                && rawPath.indexOf('/', ONE_USER.length()) < 0;
    }

    /** The answer for an admin path; empty for any other request. */
    Optional<Reply> answer(GatewayRequest request) {
        String path = request.rawPath();
        String method = request.method();
        if (path.equals(REVOKE)) {
            return Optional.of(method.equals("POST") ? revokeTokens.revokeAsAdmin(request)
                    : Rejection.methodNotAllowed("POST"));
        }
        if (path.equals(TOKENS)) {
            return Optional.of(method.equals("GET") ? admitted(request, actor -> tokens(request, actor))
                    : Rejection.methodNotAllowed("GET"));
        }
        if (path.equals(USERS)) {
            return Optional.of(method.equals("GET") ? admitted(request, users::list)
                    : Rejection.methodNotAllowed("GET"));
        }
        if (!isOneUser(path)) {
            return Optional.empty();
        }
        if (!method.equals("GET") && !method.equals("PUT") && !method.equals("DELETE")) {
            return Optional.of(Rejection.methodNotAllowed("GET, PUT, DELETE"));
        }
        return Optional.of(admitted(request, actor -> {
            Optional<String> name = decoded(path.substring(ONE_USER.length()));
            if (name.isEmpty() || !User.USERNAME.matcher(name.get()).matches()) {
                return Rejection.badRequest("invalid_username", "a user name is 1 to 128 visible ASCII characters, "
                        + "percent-encoded in the path");
            }
            return switch (method) {
                case "GET" -> users.get(actor, name.get());
                case "PUT" -> users.put(request, actor, name.get());
                default -> users.delete(actor, name.get());
            };
        }));
    }

    private Reply admitted(GatewayRequest request, Function<String, Reply> action) {
        return switch (admins.admit(request)) {
            case Rejection rejection -> rejection;
            case AdminAccess.Granted admin -> action.apply(admin.actor());
        };
    }

    /**
     * {@code {"tokens": [{token_id, user, roles, issued_at, expires_at, last_used_at, uses}], "complete"}}: the live
     * tokens, optionally of one user; {@code complete} is false when the registry is full and some may be missing.
     */
    private Reply tokens(GatewayRequest request, String actor) {
        Optional<String> user;
        try {
            user = userParameter(request.rawQuery());
        } catch (BadRequestException e) {
            return e.rejection();
        }
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("tokens");
        for (TokenStats.ActiveToken token : tokens.active(revocations::isRevoked)) {
            if (user.isPresent() && !user.get().equals(token.claims().subject())) {
                continue;
            }
            ObjectNode node = list.addObject()
                    .put("token_id", token.claims().tokenId().value())
                    .put("user", token.claims().subject());
            ArrayNode roles = node.putArray("roles");
            token.claims().roles().forEach(roles::add);
            node.put("issued_at", token.claims().issuedAt().toString())
                    .put("expires_at", token.claims().expiresAt().toString())
                    .put("last_used_at", token.lastUse().map(Object::toString).orElse(null))
                    .put("uses", token.uses());
        }
        body.put("complete", !tokens.full());
        return new AdminAnswer(actor, Optional.empty(), 200, body);
    }

    /** The query's {@code user=NAME}, if given; any other parameter is refused. */
    private static Optional<String> userParameter(String rawQuery) throws BadRequestException {
        if (rawQuery.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (!pair.startsWith("user=")) {
                throw new BadRequestException("invalid_request", "the only query parameter is user");
            }
            names.add(pair.substring(5));
        }
        Optional<String> name = names.size() == 1 ? decoded(names.get(0)) : Optional.empty();
        if (name.isEmpty() || !User.USERNAME.matcher(name.get()).matches()) {
            throw new BadRequestException("invalid_request", "user must be one user name");
        }
        return name;
    }

    /** Percent-decodes {@code text} (RFC 3986: a {@code +} stays a {@code +}); empty when an escape is malformed. */
    private static Optional<String> decoded(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= text.length() || !HexFormat.isHexDigit(text.charAt(i + 1))
                    || !HexFormat.isHexDigit(text.charAt(i + 2))) {
                return Optional.empty();
            }
            out.append((char) (HexFormat.fromHexDigit(text.charAt(i + 1)) * 16
                    + HexFormat.fromHexDigit(text.charAt(i + 2))));
            i += 2;
        }
        return Optional.of(out.toString());
    }
}
