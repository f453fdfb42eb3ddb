package io.portcullis.core;

/**
 * A login's result as a browser gets it: a cookie and a redirect in place of the JSON a client program gets.
 * Shells that count outcomes look at {@link #outcome()}, the result.
 */
public record BrowserAnswer(LoginResult result, GatewayResponse response) implements Reply {
    @Override
    public GatewayResponse toResponse() {
        return response;
    }

    @Override
    public Reply outcome() {
        return result;
    }
}
