package io.portcullis.server;

import io.portcullis.core.Rejection;
import io.portcullis.core.token.Identity;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one request came to, gathered while it is served, for its access line and metrics: the route, who made
 * it, why the gateway refused it, how long the backend took to answer.
 */
final class RequestRecord {
    final String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    final long startedNanos = System.nanoTime();
    final String method;
    final String path;
    final InetAddress client;
    private final AtomicBoolean ended = new AtomicBoolean();
    volatile String route = "none";
    volatile Optional<Identity> identity = Optional.empty();
    volatile Optional<String> reason = Optional.empty();
    volatile Optional<Duration> upstream = Optional.empty();

    RequestRecord(String method, String path, InetAddress client) {
        this.method = method;
        this.path = path;
        this.client = client;
    }

    void refused(Rejection rejection) {
        reason = Optional.of(rejection.reason());
    }

    /** True the first time only: a request is counted and logged once, whichever way its end is noticed. */
    boolean end() {
        return ended.compareAndSet(false, true);
    }
}
