package dev.cscs.store.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertThrottleTest {
    @Test
    void aFloodBecomesOneAlertPerIntervalThatCountsTheRest() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T16:00:00Z"));
        AlertThrottle t = new AlertThrottle(clock, Duration.ofSeconds(1));

        assertThat(t.admit("n2", "malformed")).isZero();
        for (int i = 0; i < 99; i++) {
            assertThat(t.admit("n2", "malformed")).isEqualTo(-1);
        }
        assertThat(t.admit("n3", "malformed")).as("another origin").isZero();
        assertThat(t.admit("n2", "bad-signature")).as("another reason").isZero();
        clock.advance(Duration.ofMillis(1001));
        assertThat(t.admit("n2", "malformed")).isEqualTo(99);
        assertThat(t.admit("n2", "malformed")).isEqualTo(-1);
    }

    @Test
    void aZeroIntervalAdmitsEverything() {
        AlertThrottle t = new AlertThrottle(new MutableClock(Instant.parse("2026-11-29T16:00:00Z")), Duration.ZERO);
        assertThat(t.admit("n1", "x")).isZero();
        assertThat(t.admit("n1", "x")).isZero();
    }
}
