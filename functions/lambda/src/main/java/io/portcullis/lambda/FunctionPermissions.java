package io.portcullis.lambda;

import java.util.Map;
import java.util.Set;

/**
 * What each function calls on AWS, and nothing more: the IAM policy of each function's role is derived from this
 * (Terraform's test checks its roles against it). Tables are named by their role in {@code TableNames}
 * ({@code users}, {@code revocations}, {@code rateLimits}, {@code sessions}, {@code refreshTokens},
 * {@code signingKeys}).
 *
 * <ul>
 *   <li>token: logins read users and count attempts; {@code /logout} and {@code /admin/revoke} append to the
 *       revocation feed and read it; the users the config lists are written at a cold start. Users are written
 *       with UpdateItem only (a save updates the user's own attributes so the spent TOTP step survives it), and a
 *       TOTP login, enrolment or confirmation spends its step with a conditional UpdateItem. The admin API lists
 *       users (Scan) and removes them (DeleteItem). With refresh tokens on, a login starts a family (PutItem), a
 *       refresh rotates it and a logout or revocation ends it (conditional UpdateItem).
 *       {@code GET /.well-known/jwks.json} lists the identity assertions' generated keys (Scan) and generates the
 *       first (conditional PutItem).</li>
 *   <li>authorizer: reads the revocation feed.</li>
 *   <li>forwarder: counts per-user limits; reads the revocation feed when it checks tokens itself; reads a
 *       session's backend credentials on routes that inject them (JWT mode, {@code sessions.store: dynamodb});
 *       renews a browser session from its refresh cookie (UpdateItem on the family; a reused cookie revokes the
 *       family's tokens, PutItem on the feed); signs identity assertions with the generated keys (Scan,
 *       PutItem).</li>
 * </ul>
 * All three read the secrets their configuration names (the token keys, the module's {@code secrets}, and the
 * configuration itself when it lives in a secret), and nothing else from Secrets Manager.
 */
public final class FunctionPermissions {
    /** Function name → table role → DynamoDB actions (without the {@code dynamodb:} prefix). */
    public static final Map<String, Map<String, Set<String>>> DYNAMODB = Map.of(
            "token", Map.of(
                    "users", Set.of("GetItem", "UpdateItem", "Scan", "DeleteItem"),
                    "revocations", Set.of("Query", "PutItem"),
                    "rateLimits", Set.of("UpdateItem"),
                    "refreshTokens", Set.of("PutItem", "UpdateItem"),
                    "signingKeys", Set.of("Scan", "PutItem")),
            "authorizer", Map.of(
                    "revocations", Set.of("Query")),
            "forwarder", Map.of(
                    "revocations", Set.of("Query", "PutItem"),
                    "rateLimits", Set.of("UpdateItem"),
                    "sessions", Set.of("GetItem"),
                    "refreshTokens", Set.of("UpdateItem"),
                    "signingKeys", Set.of("Scan", "PutItem")));

    /** Every function reads the secrets its configuration names, and nothing else from Secrets Manager. */
    public static final Set<String> SECRETS_MANAGER = Set.of("GetSecretValue");

    private FunctionPermissions() {
    }
}
