package io.portcullis.core.token;

/**
 * Which kind of token a route accepts. Portcullis's own tokens (sealed by {@code POST /auth}) and JWTs (signed by
 * someone else, checked against configured keys) are told apart by shape: a JWT has exactly two dots, a Portcullis
 * token none.
 */
public enum TokenType {
    /** Only tokens this gateway issued (the default). */
    PORTCULLIS,
    /** Only JWTs, from {@code Authorization: Bearer} or the configured cookie. */
    JWT,
    /** Either; a bearer value with dots is read as a JWT, one without as a Portcullis token. */
    ANY;

    public boolean acceptsJwt() {
        return this != PORTCULLIS;
    }

    public boolean acceptsPortcullis() {
        return this != JWT;
    }
}
