package io.portcullis.core.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who a request is from, as a verified token established it: the subject, their roles, the token's id and when the
 * token expires. What routes are checked against and what backends are told (an identity assertion never outlives
 * the token). An API Gateway authorizer passes exactly this to the forwarder, which then need not open the token
 * again.
 */
public record Identity(String subject, List<String> roles, TokenId tokenId, Instant expiresAt) {
    public Identity {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        roles = List.copyOf(roles);
    }
}
