package dev.cscs.agent.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    final Backoff low = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), () -> 0.0);
    final Backoff high = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), () -> 0.999999);

    @Test
    void growsExponentiallyWithJitterAndStaysWithinTheBounds() {
        assertThat(low.delay(0)).isEqualTo(Duration.ofMillis(200));
        assertThat(low.delay(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(high.delay(1)).isEqualTo(Duration.ofMillis(199).plusMillis(1));
        assertThat(low.delay(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(high.delay(4)).isEqualTo(Duration.ofMillis(1599));
        assertThat(low.delay(100)).isEqualTo(Duration.ofSeconds(15));
        assertThat(high.delay(100)).isEqualTo(Duration.ofMillis(29999));
    }
}
