package dev.cscs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quiet period: min after the last event, extended by more events, capped by max after the first. */
class QuiescenceTest {
    final ManualScheduler scheduler = new ManualScheduler();
    final List<Instant> fired = new ArrayList<>();
    final Quiescence q = new Quiescence(scheduler, scheduler.clock, Duration.ofMillis(50), Duration.ofSeconds(2),
            () -> fired.add(scheduler.clock.instant()));
    final Instant t0 = scheduler.clock.instant();

    @Test
    void oneEventFiresOnceAfterTheMinimum() {
        q.poke();
        scheduler.advance(Duration.ofMillis(49));
        assertThat(fired).isEmpty();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(fired).containsExactly(t0.plusMillis(50));
    }

    @Test
    void eventsCloserThanTheMinimumExtendTheWaitUntilTheMaximum() {
        for (int i = 0; i < 100; i++) {
            q.poke();
            scheduler.advance(Duration.ofMillis(40));
        }
        assertThat(fired).containsExactly(t0.plusSeconds(2), t0.plusSeconds(4));
    }

    @Test
    void aBurstThatStopsFiresOnceAfterItsLastEvent() {
        for (int i = 0; i < 10; i++) {
            q.poke();
            scheduler.advance(Duration.ofMillis(10));
        }
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(fired).containsExactly(t0.plusMillis(90 + 50));
    }

    @Test
    void afterCloseNothingFires() {
        q.poke();
        q.close();
        q.poke();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(fired).isEmpty();
    }
}
