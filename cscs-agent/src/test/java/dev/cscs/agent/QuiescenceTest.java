package dev.cscs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When changes are applied: a lone change at once; a burst's later changes together, min after
 * the last of them, but never later than max after the burst's first.
 */
class QuiescenceTest {
    final ManualScheduler scheduler = new ManualScheduler();
    final List<Instant> fired = new ArrayList<>();
    final Quiescence q = new Quiescence(scheduler, scheduler.clock, Duration.ofMillis(50), Duration.ofSeconds(2),
            () -> fired.add(scheduler.clock.instant()));
    final Instant t0 = scheduler.clock.instant();

    @Test
    void aLoneChangeIsAppliedAtOnce() {
        q.poke();
        scheduler.advance(Duration.ZERO);
        assertThat(fired).containsExactly(t0);
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(fired).containsExactly(t0);
    }

    @Test
    void changesFartherApartThanTheMinimumAreEachAppliedAtOnce() {
        for (int i = 0; i < 3; i++) {
            q.poke();
            scheduler.advance(Duration.ofMillis(60));
        }
        assertThat(fired).containsExactly(t0, t0.plusMillis(60), t0.plusMillis(120));
    }

    @Test
    void aChangeBeforeTheImmediateRoundRunsIsCoveredByIt() {
        q.poke();
        q.poke();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(fired).containsExactly(t0);
    }

    @Test
    void aBurstThatStopsGivesTheFirstAtOnceAndTheRestOnceAfterItsLastEvent() {
        for (int i = 0; i < 10; i++) {
            q.poke();
            scheduler.advance(Duration.ofMillis(10));
        }
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(fired).containsExactly(t0, t0.plusMillis(90 + 50));
    }

    @Test
    void eventsCloserThanTheMinimumExtendTheWaitUntilTheMaximum() {
        for (int i = 0; i < 100; i++) {
            q.poke();
            scheduler.advance(Duration.ofMillis(40));
        }
        // the first at once; the burst from 40 ms on is capped 2 s after its own first event
        assertThat(fired).containsExactly(t0, t0.plusMillis(40).plusSeconds(2));
    }

    @Test
    void afterCloseNothingFires() {
        q.close();
        q.poke();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(fired).isEmpty();
    }
}
