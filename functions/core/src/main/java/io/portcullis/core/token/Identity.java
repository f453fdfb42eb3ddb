package io.portcullis.core.token;

import java.util.List;
import java.util.Objects;

/**
 * Who a request is from, as a verified token established it: the subject, their roles and the token's id. What
 * routes are checked against and what backends are told. An API Gateway authorizer passes exactly this to the
 * forwarder, which then need not open the token again.
 */
public record Identity(String subject, List<String> roles, TokenId tokenId) {
    public Identity {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(tokenId, "tokenId");
        roles = List.copyOf(roles);
    }
}
