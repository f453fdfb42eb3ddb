package io.portcullis.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendsTest {
    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private final Backend a = new Backend(URI.create("http://a"), 3, false);
    private final Backend b = new Backend(URI.create("http://b"), 1, false);
    private final Backend standby = new Backend(URI.create("http://s"), 1, true);
    private final Backends backends = new Backends(List.of(a, b, standby), clock);

    @Test
    void smoothWeightedRoundRobin_spreadsPicksByWeight() {
        List<Backend> firsts = java.util.stream.IntStream.range(0, 8).mapToObj(i -> backends.order().get(0)).toList();
        assertThat(firsts).containsExactly(a, a, b, a, a, a, b, a);
    }

    @Test
    void failedBackend_coolsDown_standbyOnlyWhenEveryActiveOneIs() {
        backends.failed(a);
        assertThat(backends.order()).containsExactly(b, standby, a);
        backends.failed(b);
        assertThat(backends.order()).containsExactly(standby, a, b);

        clock.advance(Duration.ofMillis(Backends.FIRST_COOLDOWN_MS));
        assertThat(backends.order().get(2)).isEqualTo(standby);
    }

    @Test
    void repeatedFailures_lengthenTheCoolDown_untilASuccess() {
        backends.failed(a);
        backends.failed(a);
        clock.advance(Duration.ofMillis(Backends.FIRST_COOLDOWN_MS));
        assertThat(backends.order()).endsWith(a);
        backends.succeeded(a);
        assertThat(backends.order()).contains(a, org.assertj.core.data.Index.atIndex(0));
    }
}
