package io.portcullis.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.net.Cidr;
import io.portcullis.core.password.PasswordPool;
import io.portcullis.core.password.Passwords;
import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.port.UserRegistry;
import io.portcullis.core.totp.TotpSecrets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The admin API's users: list them, read one, add or change one ({@code PUT}), remove one. Answers never carry a
 * password hash or a TOTP secret. A new password is hashed with Argon2 on the password pool (503 when it is full,
 * as for logins). Changing a password, taking a role away or removing the user revokes the tokens issued to them
 * until now. Users the configuration lists are changed by editing it (409 here): the config is their source of
 * truth, and would put them back at the next reload or restart.
 */
final class ManageUsers {
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final int MAX_PASSWORD_LENGTH = Credentials.MAX_PASSWORD_LENGTH;
    /** As many as a token carries. */
    private static final int MAX_ROLES = 64;
    private static final Set<String> FIELDS = new TreeSet<>(List.of("password", "password_hash", "roles", "allow"));

    private final UserRegistry users;
    private final RevocationStore revocations;
    private final Set<String> configured;
    private final Passwords passwords;
    private final PasswordPool pool;
    private final Clock clock;

    /** @param configured the user names the configuration lists */
    ManageUsers(UserRegistry users, RevocationStore revocations, Set<String> configured, Passwords passwords,
            PasswordPool pool, Clock clock) {
        this.users = users;
        this.revocations = revocations;
        this.configured = Set.copyOf(configured);
        this.passwords = passwords;
        this.pool = pool;
        this.clock = clock;
    }

    /** {@code GET /admin/users}: every user, by name. */
    Reply list(String actor) {
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("users");
        users.listUsers().forEach(user -> list.add(view(user)));
        return new AdminAnswer(actor, Optional.empty(), 200, body);
    }

    /** {@code GET /admin/users/{name}}. */
    Reply get(String actor, String name) {
        Optional<User> user = users.findUser(name);
        if (user.isEmpty()) {
            return noSuchUser(name);
        }
        ObjectNode body = Json.object();
        body.set("user", view(user.get()));
        return new AdminAnswer(actor, Optional.empty(), 200, body);
    }

    /**
     * {@code PUT /admin/users/{name}} with {@code {"password"|"password_hash", "roles", "allow"}}: adds the user (a
     * password is required; 201) or changes the fields given (200); the others, and a second factor, stay.
     */
    Reply put(GatewayRequest request, String actor, String name) {
        if (configured.contains(name)) {
            return managedByConfig(name);
        }
        ObjectNode body;
        try {
            if (!request.mediaType().equals("application/json")) {
                throw new BadRequestException("unsupported_content_type", "send application/json");
            }
            body = Json.parseObject(Json.readBounded(request.body().get(), MAX_BODY_BYTES));
            for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!FIELDS.contains(field)) {
                    throw new BadRequestException("invalid_request", "unknown field '" + field + "' (known: "
                            + String.join(", ", FIELDS) + ")");
                }
            }
        } catch (BadRequestException e) {
            return e.rejection();
        }
        Optional<User> stored = users.findUser(name);
        String hash;
        List<String> roles;
        List<Cidr> allow;
        try {
            Optional<String> password = password(body, stored.isEmpty());
            roles = body.has("roles") ? roles(body.get("roles")) : stored.map(User::roles).orElse(List.of());
            allow = body.has("allow") ? allow(body.get("allow")) : stored.map(User::allow).orElse(List.of());
            if (password.isEmpty()) {
                hash = stored.get().passwordHash();
            } else if (body.has("password_hash")) {
                hash = password.get();
            } else {
                char[] plaintext = password.get().toCharArray();
                hash = pool.run(() -> passwords.hash(plaintext));
            }
        } catch (BadRequestException e) {
            return e.rejection();
        } catch (PasswordPool.SaturatedException e) {
            return Rejection.overloaded();
        }
        User user = new User(name, hash, roles, allow, stored.map(User::totp).orElse(TotpSecrets.NONE));
        users.saveUser(user);
        boolean revoke = stored.isPresent() && user.invalidatesTokensOf(stored.get());
        if (revoke) {
            revocations.revokeIssuedUpTo(name, clock.instant());
        }
        ObjectNode answer = Json.object();
        answer.set("user", view(user));
        answer.put("created", stored.isEmpty()).put("tokens_revoked", revoke);
        return new AdminAnswer(actor, Optional.of("user " + name + (stored.isEmpty() ? " created" : " updated")
                + (revoke ? "; tokens revoked" : "")), stored.isEmpty() ? 201 : 200, answer);
    }

    /** {@code DELETE /admin/users/{name}}: revokes every token issued to the user until now, then removes them. */
    Reply delete(String actor, String name) {
        if (configured.contains(name)) {
            return managedByConfig(name);
        }
        if (users.findUser(name).isEmpty()) {
            return noSuchUser(name);
        }
        revocations.revokeIssuedUpTo(name, clock.instant());
        users.removeUser(name);
        return new AdminAnswer(actor, Optional.of("user " + name + " removed; tokens revoked"), 200,
                Json.object().put("removed", name).put("tokens_revoked", true));
    }

    /** The password given, if any: plaintext ({@code password}) or an Argon2 hash ({@code password_hash}). */
    private static Optional<String> password(ObjectNode body, boolean required) throws BadRequestException {
        JsonNode plaintext = body.get("password");
        JsonNode hash = body.get("password_hash");
        if (plaintext != null && hash != null) {
            throw new BadRequestException("invalid_request", "give password or password_hash, not both");
        }
        if (plaintext == null && hash == null) {
            if (required) {
                throw new BadRequestException("invalid_request", "a new user needs a password");
            }
            return Optional.empty();
        }
        if (plaintext != null && (!plaintext.isTextual() || plaintext.asText().isEmpty()
                || plaintext.asText().length() > MAX_PASSWORD_LENGTH)) {
            throw new BadRequestException("invalid_request", "password must be a string of 1 to "
                    + MAX_PASSWORD_LENGTH + " characters");
        }
        if (hash != null && (!hash.isTextual() || !Passwords.isHash(hash.asText())
                || hash.asText().length() > MAX_PASSWORD_LENGTH)) {
            throw new BadRequestException("invalid_request", "password_hash must be an Argon2 PHC string "
                    + "($argon2id$…)");
        }
        return Optional.of(plaintext != null ? plaintext.asText() : hash.asText());
    }

    private static List<String> roles(JsonNode node) throws BadRequestException {
        Set<String> roles = new LinkedHashSet<>();
        for (String role : strings(node, "roles")) {
            if (!User.ROLE.matcher(role).matches()) {
                throw new BadRequestException("invalid_request", "'" + role + "' is not a role name (1 to 64 of "
                        + "A-Z a-z 0-9 . _ : -)");
            }
            roles.add(role);
        }
        if (roles.size() > MAX_ROLES) {
            throw new BadRequestException("invalid_request", "at most " + MAX_ROLES + " roles");
        }
        return List.copyOf(roles);
    }

    private static List<Cidr> allow(JsonNode node) throws BadRequestException {
        List<Cidr> blocks = new ArrayList<>();
        for (String text : strings(node, "allow")) {
            try {
                blocks.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("invalid_request", "allow: " + e.getMessage());
            }
        }
        return blocks;
    }

    private static List<String> strings(JsonNode node, String field) throws BadRequestException {
        if (!node.isArray() || node.size() > 1024) {
            throw new BadRequestException("invalid_request", field + " must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new BadRequestException("invalid_request", field + " must be an array of strings");
            }
            values.add(item.asText());
        }
        return values;
    }

    /** A user as the API shows one: never the hash or a TOTP secret. */
    private ObjectNode view(User user) {
        ObjectNode node = Json.object().put("username", user.username());
        ArrayNode roles = node.putArray("roles");
        user.roles().forEach(roles::add);
        ArrayNode allow = node.putArray("allow");
        user.allow().forEach(block -> allow.add(block.toString()));
        return node.put("totp", user.totp().enrolled())
                .put("source", configured.contains(user.username()) ? "config" : "store");
    }

    private static Rejection noSuchUser(String name) {
        return new Rejection(404, "no_such_user", "there is no user '" + name + "'", "no_such_user", List.of());
    }

    private static Rejection managedByConfig(String name) {
        return new Rejection(409, "managed_by_config", "user '" + name + "' is listed in the configuration; change "
                + "it there", "managed_by_config", List.of());
    }
}
