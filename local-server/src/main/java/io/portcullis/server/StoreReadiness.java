package io.portcullis.server;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Readiness: {@code DOWN} while the store is unreachable (the revocation feed, read twice a second, could not be
 * read), so a load balancer stops sending logins and secure requests this instance would answer with 503.
 */
final class StoreReadiness implements HealthCheck {
    private final String storeType;
    private final Supplier<Optional<String>> problem;

    StoreReadiness(String storeType, Supplier<Optional<String>> problem) {
        this.storeType = storeType;
        this.problem = problem;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "store";
    }

    @Override
    public HealthCheckResponse call() {
        Optional<String> now = problem.get();
        HealthCheckResponse.Builder response = HealthCheckResponse.builder().status(now.isEmpty())
                .detail("type", storeType);
        // The cause (with the store's address) is in the server's log; this endpoint may be public.
        now.ifPresent(reason -> response.detail("problem", "the store cannot be read"));
        return response.build();
    }
}
