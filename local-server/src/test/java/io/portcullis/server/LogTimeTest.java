package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogTimeTest {
    private static void assertAsInstantToString(Instant at) {
        assertThat(LogTime.format(at)).as(at.toString()).isEqualTo(at.truncatedTo(ChronoUnit.MILLIS).toString());
    }

    @Test
    void writesWhatInstantToStringWrites_toTheMillisecond() {
        Instant second = Instant.parse("2026-12-07T20:31:38Z");
        for (long nanos : new long[] {0, 999_999, 1_000_000, 5_000_000, 50_000_000, 283_456_789, 999_999_999}) {
            assertAsInstantToString(second.plusNanos(nanos));
        }
        SplittableRandom random = new SplittableRandom(7);
        Instant at = second;
        for (int i = 0; i < 10_000; i++) {
            at = at.plusNanos(random.nextLong(0, 3_000_000_000L)); // crosses seconds, sometimes several
            assertAsInstantToString(at);
        }
        assertAsInstantToString(Instant.EPOCH);
        assertAsInstantToString(Instant.parse("1969-12-31T23:59:59.999Z"));
        assertAsInstantToString(Instant.parse("+10000-01-01T00:00:00.100Z"));
    }
}
