package io.portcullis.core.route;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's backends, in the order one request should try them: the active backends by smooth weighted round
 * robin (nginx's: over any window each gets its weight's share, spread out rather than in runs), then the
 * standbys; backends that failed recently come last (passive health: nothing probes them, a failure puts a
 * backend in cool-down, a success takes it out). Cool-down starts at {@value #FIRST_COOLDOWN_MS} ms and doubles
 * with each further failure up to {@value #MAX_COOLDOWN_MS} ms. Backends in cool-down are still tried when
 * nothing healthier is left: a guess is better than a certain 502.
 */
public final class Backends {
    static final long FIRST_COOLDOWN_MS = 1_000;
    static final long MAX_COOLDOWN_MS = 30_000;

    private final List<Backend> all;
    private final Clock clock;
    private final long[] current;
    private final int[] failures;
    private final Instant[] coolingUntil;

    public Backends(List<Backend> backends, Clock clock) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one backend");
        }
        if (backends.stream().allMatch(Backend::standby)) {
            throw new IllegalArgumentException("at least one backend must be active (not standby)");
        }
        this.all = List.copyOf(backends);
        this.clock = clock;
        this.current = new long[all.size()];
        this.failures = new int[all.size()];
        this.coolingUntil = new Instant[all.size()];
        java.util.Arrays.fill(coolingUntil, Instant.MIN);
    }

    public List<Backend> all() {
        return all;
    }

    /** The backends in the order this request tries them; the first is the balancer's pick. */
    public synchronized List<Backend> order() {
        if (all.size() == 1) {
            return all;
        }
        Instant now = clock.instant();
        List<Integer> healthyActive = new ArrayList<>();
        List<Backend> rest = new ArrayList<>();
        List<Backend> cooling = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            boolean healthy = !coolingUntil[i].isAfter(now);
            if (healthy && !all.get(i).standby()) {
                healthyActive.add(i);
            } else if (healthy) {
                rest.add(all.get(i));
            } else {
                cooling.add(all.get(i));
            }
        }
        List<Backend> order = new ArrayList<>(all.size());
        if (!healthyActive.isEmpty()) {
            int picked = smoothWeightedPick(healthyActive);
            order.add(all.get(picked));
            healthyActive.stream().filter(i -> i != picked).map(all::get).forEach(order::add);
        }
        order.addAll(rest);
        cooling.sort((a, b) -> Boolean.compare(a.standby(), b.standby()));
        order.addAll(cooling);
        return order;
    }

    private int smoothWeightedPick(List<Integer> candidates) {
        long total = 0;
        int best = candidates.get(0);
        for (int i : candidates) {
            current[i] += all.get(i).weight();
            total += all.get(i).weight();
            if (current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= total;
        return best;
    }

    /** The backend answered (whatever the status, unless a gateway error): it leaves cool-down. */
    public synchronized void succeeded(Backend backend) {
        int i = all.indexOf(backend);
        if (i >= 0) {
            failures[i] = 0;
            coolingUntil[i] = Instant.MIN;
        }
    }

    /** The backend could not be reached, timed out, or answered 502/503/504: it cools down. */
    public synchronized void failed(Backend backend) {
        int i = all.indexOf(backend);
        if (i >= 0) {
            failures[i] = Math.min(failures[i] + 1, 16);
            long millis = Math.min(MAX_COOLDOWN_MS, FIRST_COOLDOWN_MS << (failures[i] - 1));
            coolingUntil[i] = clock.instant().plus(Duration.ofMillis(millis));
        }
    }
}
