package io.portcullis.server;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Readiness detail {@code config}: whether the configuration files on disk are the ones in force. A file that a
 * reload refused leaves the instance serving its last valid configuration, and UP on purpose: the same broken file
 * pushed to every instance must not take the whole fleet out of its load balancer. The detail, the log and the
 * audit line say so; an invalid configuration at startup stops the process, which then never becomes ready.
 */
final class ConfigHealth implements HealthCheck {
    private final Supplier<Optional<Instant>> refusedSince;

    ConfigHealth(Supplier<Optional<Instant>> refusedSince) {
        this.refusedSince = refusedSince;
    }

    @Override
    public String name() {
        return "config";
    }

    @Override
    public Result call() {
        Optional<Instant> since = refusedSince.get();
        Map<String, String> data = new LinkedHashMap<>();
        data.put("files", since.isEmpty() ? "in force" : "refused; the last valid configuration serves");
        since.ifPresent(time -> data.put("refused_since", time.toString()));
        return new Result(true, data);
    }
}
