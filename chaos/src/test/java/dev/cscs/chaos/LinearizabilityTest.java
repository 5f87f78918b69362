package dev.cscs.chaos;

import static dev.cscs.chaos.Linearizability.Op.read;
import static dev.cscs.chaos.Linearizability.Op.write;
import static dev.cscs.chaos.Linearizability.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.chaos.Linearizability.Op;
import dev.cscs.chaos.Linearizability.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The checker must be able to fail: known-good and known-bad register histories. */
class LinearizabilityTest {
    private static Verdict verdict(Op... ops) {
        return Linearizability.check(List.of(ops), 1_000_000).verdict();
    }

    @Test
    void aReadAfterAWriteSeesIt() {
        assertThat(verdict(write("w1", "a", 0, 0, 10), read("r1", "a", 20, 30))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aStaleReadIsNotLinearizable() {
        assertThat(verdict(write("w1", "a", 0, 0, 10), write("w2", "b", 0, 20, 30), read("r1", "a", 40, 50)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aReadOfTheInitialStateAfterACompletedWriteIsNotLinearizable() {
        assertThat(verdict(read("r0", null, 0, 5), write("w1", "a", 0, 10, 20), read("r1", null, 30, 40)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeEitherValue() {
        assertThat(verdict(write("w1", "a", 0, 0, 10), write("w2", "b", 0, 5, 30), read("r1", "a", 12, 14)))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(write("w1", "a", 0, 0, 10), write("w2", "b", 0, 5, 30), read("r1", "b", 12, 14)))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aValueNobodyWroteIsNotLinearizable() {
        assertThat(verdict(write("w1", "a", 0, 0, 10), read("r1", "x", 20, 30))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anUnknownWriteMayHappenLateOrNever() {
        Op w1 = write("w1", "a", 0, 0, 10);
        Op unknown = write("w2", "b", 0, 20, UNKNOWN);
        assertThat(verdict(w1, unknown, read("r1", "a", 100, 110))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(w1, unknown, read("r1", "b", 100, 110))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(w1, unknown, read("r1", "a", 100, 110), read("r2", "b", 120, 130))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anUnknownWriteSeenOnceCannotBeUnseen() {
        assertThat(verdict(write("w1", "a", 0, 0, 10), write("w2", "b", 0, 20, UNKNOWN), read("r1", "b", 100, 110),
                read("r2", "a", 120, 130))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void anUnknownWriteCannotTakeEffectBeforeItWasInvoked() {
        assertThat(verdict(write("w1", "a", 0, 0, 10), read("r1", "b", 20, 30), write("w2", "b", 0, 40, UNKNOWN)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void writesTakeEffectInVersionOrder() {
        // both orders of two concurrent writes fit a plain register; the versions (chain seqs) fix one
        assertThat(verdict(write("w2", "a", 0, 0, 100), write("w1", "b", 0, 0, 100), read("r", "b", 110, 120)))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(write("w2", "a", 2, 0, 100), write("w1", "b", 1, 0, 100), read("r", "b", 110, 120)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aLongConcurrentHistoryWithUnknownsIsCheckedWithinTheBound() {
        Random rnd = new Random(7);
        List<Op> ops = new ArrayList<>();
        String value = null;
        String first = null;
        long t = 0;
        for (int i = 0; i < 1500; i++) {
            t += 10;
            if (rnd.nextInt(3) == 0) {
                value = "v" + i;
                first = first == null ? value : first;
                // overlapping the neighbours; every 50th never completes
                ops.add(write("w" + i, value, i, t - 5, i % 50 == 0 ? UNKNOWN : t + 5));
            } else {
                ops.add(read("r" + i, value, t - 4, t + 4));
            }
        }
        Linearizability.Result r = Linearizability.check(ops, 5_000_000);
        assertThat(r.verdict()).as(r.detail()).isEqualTo(Verdict.LINEARIZABLE);
        // the first value written, long overwritten: stale, not a value nobody wrote
        assertThat(first).isNotNull().isNotEqualTo(value);
        ops.add(read("stale", first, t + 100, t + 110));
        assertThat(Linearizability.check(ops, 5_000_000).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }
}
