package io.portcullis.server;

import java.util.LinkedHashMap;
import java.util.Map;
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
    public String name() {
        return "store";
    }

    @Override
    public Result call() {
        Optional<String> now = problem.get();
        Map<String, String> data = new LinkedHashMap<>();
        data.put("type", storeType);
        // The cause (with the store's address) is in the server's log; this endpoint may be public.
        now.ifPresent(reason -> data.put("problem", "the store cannot be read"));
        return new Result(now.isEmpty(), data);
    }
}
