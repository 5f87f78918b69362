package dev.cscs.agent.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
    final Backoff low = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), () -> 0.0);
    final Backoff high = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), () -> 0.999999);

    @Test
    void growsExponentiallyWithJitterAndStaysWithinTheBounds() {
        assertThat(low.delay(0)).isEqualTo(Duration.ofMillis(200));
        assertThat(high.delay(0)).isEqualTo(Duration.ofMillis(399));
        assertThat(low.delay(1)).isEqualTo(Duration.ofMillis(400));
        assertThat(high.delay(1)).isEqualTo(Duration.ofMillis(799));
        assertThat(low.delay(4)).isEqualTo(Duration.ofMillis(3200));
        assertThat(high.delay(4)).isEqualTo(Duration.ofMillis(6399));
        assertThat(low.delay(100)).isEqualTo(Duration.ofSeconds(15));
        assertThat(high.delay(100)).isEqualTo(Duration.ofMillis(29999));
    }

    /** Before: the first two waits were min exactly, whatever the draw, so a dead server's agents retried in lockstep. */
    @Test
    void everyWaitIsJitteredTheFirstRetriesAfterAWorkingConnectionToo() {
        for (int failures = 0; failures <= 40; failures++) {
            assertThat(low.delay(failures)).as("after %d failures", failures).isLessThan(high.delay(failures));
        }
    }

    @Test
    void aThousandAgentsDroppedAtOnceSpreadTheirFirstRetryOverTheWholeWindow() {
        Random r = new Random(11);
        Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), r::nextDouble);
        Set<Long> distinct = new HashSet<>();
        for (int agent = 0; agent < 1000; agent++) {
            long ms = b.delay(0).toMillis();
            assertThat(ms).isBetween(200L, 400L);
            distinct.add(ms);
        }
        // 200 possible milliseconds; lockstep would be 1
        assertThat(distinct.size()).isGreaterThan(150);
    }

    @Test
    void aMaximumBelowTwiceTheMinimumStillJittersBetweenTheBounds() {
        Backoff narrow = new Backoff(Duration.ofMillis(200), Duration.ofMillis(300), () -> 0.999999);
        assertThat(narrow.delay(0)).isEqualTo(Duration.ofMillis(299));
        assertThat(new Backoff(Duration.ofMillis(200), Duration.ofMillis(300), () -> 0.0).delay(0))
                .isEqualTo(Duration.ofMillis(200));
    }
}
