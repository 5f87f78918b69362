package dev.cscs.store.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AlertThrottleTest {
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-29T16:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aFloodBecomesOneAlertPerIntervalThatCountsTheRest() {
        ManualClock clock = new ManualClock();
        AlertThrottle t = new AlertThrottle(clock, Duration.ofSeconds(1));

        assertThat(t.admit("n2", "malformed")).isZero();
        for (int i = 0; i < 99; i++) {
            assertThat(t.admit("n2", "malformed")).isEqualTo(-1);
        }
        assertThat(t.admit("n3", "malformed")).as("another origin").isZero();
        assertThat(t.admit("n2", "bad-signature")).as("another reason").isZero();
        clock.now = clock.now.plusMillis(1001);
        assertThat(t.admit("n2", "malformed")).isEqualTo(99);
        assertThat(t.admit("n2", "malformed")).isEqualTo(-1);
    }

    @Test
    void aZeroIntervalAdmitsEverything() {
        AlertThrottle t = new AlertThrottle(new ManualClock(), Duration.ZERO);
        assertThat(t.admit("n1", "x")).isZero();
        assertThat(t.admit("n1", "x")).isZero();
    }
}
