package dev.cscs.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Labels;
import dev.cscs.core.rollout.RolloutPlan;
import java.nio.charset.StandardCharsets;

/**
 * Any rollout plan document ends in a typed {@code malformed} error or in a plan that round-trips
 * through its JSON, whose last wave takes every device, and that puts every device in one of its
 * waves, the same one twice.
 */
class RolloutPlanFuzzTest {
    private static final Digest DIGEST = Digest.of(new byte[] {7});

    @FuzzTest(maxDuration = "60s")
    void parsePlan(byte[] input) {
        RolloutPlan p;
        try {
            p = RolloutPlan.parse(StrictJson.parse(input, 16, "plan"), "rollout");
        } catch (CscsException e) {
            if (e.code() != ErrorCode.MALFORMED && e.code() != ErrorCode.TOO_LARGE) {
                throw new IllegalStateException("a bad plan gave " + e.code(), e);
            }
            return;
        }
        if (!RolloutPlan.parse(p.toTree(), "rollout").equals(p)) {
            throw new IllegalStateException("a plan does not round-trip: " + p.toTree());
        }
        RolloutPlan.Wave last = p.waves().get(p.waves().size() - 1);
        if (last.selector().isPresent() || last.percent() != 100) {
            throw new IllegalStateException("a plan whose last wave leaves devices out: " + p.toTree());
        }
        String node = new String(input, StandardCharsets.UTF_8);
        int w = p.waveOf(node, Labels.NONE, DIGEST);
        if (w < 0 || w >= p.waves().size() || w != p.waveOf(node, Labels.NONE, DIGEST)) {
            throw new IllegalStateException("wave " + w + " of " + p.waves().size());
        }
    }
}
