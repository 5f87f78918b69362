package dev.cscs.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GateTest {
    static final RolloutPlan PLAN = RolloutPlanTest.plan(RolloutPlanTest.PLAN);
    static final Duration SOAKED = Duration.ofMinutes(10);

    @Test
    void tooManyFailuresHaltAtOnceEvenBeforeTheSoak() {
        Gate.Verdict v = Gate.judge(PLAN, 0, new Gate.Tally(20, 2, 2), Duration.ZERO);
        assertThat(v).isInstanceOf(Gate.Halt.class);
        assertThat(v.why()).isEqualTo("wave canary: 2 applied, 2 failed of 20 devices (10.0% failed; the plan allows 5%)");
    }

    @Test
    void theNextWaveOpensOnceEnoughAppliedAndTheSoakIsOver() {
        assertThat(Gate.judge(PLAN, 0, new Gate.Tally(20, 17, 1), SOAKED)).isInstanceOf(Gate.Wait.class)
                .extracting(Gate.Verdict::why).asString().contains("needs 90% applied");
        assertThat(Gate.judge(PLAN, 0, new Gate.Tally(20, 19, 1), SOAKED.minusSeconds(1))).isInstanceOf(Gate.Wait.class)
                .extracting(Gate.Verdict::why).asString().contains("soaking 599 of 600 s");
        assertThat(Gate.judge(PLAN, 0, new Gate.Tally(20, 19, 1), SOAKED)).isInstanceOf(Gate.Advance.class);
    }

    @Test
    void aSelectorWaveWithNoDeviceHaltsWhileAnEmptyPercentageHasNothingToWaitFor() {
        assertThat(Gate.judge(PLAN, 0, new Gate.Tally(0, 0, 0), SOAKED)).isInstanceOf(Gate.Halt.class)
                .extracting(Gate.Verdict::why).asString().contains("has no device (selector ring=canary)");
        assertThat(Gate.judge(PLAN, 1, new Gate.Tally(0, 0, 0), Duration.ZERO)).isInstanceOf(Gate.Advance.class);
    }
}
