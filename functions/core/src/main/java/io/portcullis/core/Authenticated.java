package io.portcullis.core;

import io.portcullis.core.token.Claims;

/** The request carries a valid, unrevoked token; these are its claims. */
public record Authenticated(Claims claims) implements AuthResult {
}
