package io.portcullis.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * What the admin API answered: a JSON body with its status. Shells that log security events switch on this type.
 *
 * @param actor who acted (the admin's user name, or {@code token_admin})
 * @param action what was changed, for the audit log ({@code "user bob updated; tokens revoked"}); empty for reads
 */
public record AdminAnswer(String actor, Optional<String> action, int status, ObjectNode body) implements Reply {
    public AdminAnswer {
        body = body.deepCopy();
    }

    @Override
    public GatewayResponse toResponse() {
        return new GatewayResponse(status, List.of(new Header("Content-Type", "application/json"),
                new Header("Cache-Control", "no-store")), Json.bytes(body));
    }
}
