package io.portcullis.core;

/**
 * What a browser gets in place of the JSON a client program gets: a redirect (with cookies, after a form login) or
 * a page. Shells that count outcomes look at {@link #outcome()}, the result it stands for (a login's
 * {@link Issued} or {@link Rejection}, a second factor's enrolment).
 */
public record BrowserAnswer(Reply result, GatewayResponse response) implements Reply {
    @Override
    public GatewayResponse toResponse() {
        return response;
    }

    @Override
    public Reply outcome() {
        return result.outcome();
    }
}
