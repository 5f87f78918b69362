package dev.cscs.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Labels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RolloutPlanTest {
    static final String PLAN = "{\"waves\": [{\"name\": \"canary\", \"selector\": {\"ring\": [\"canary\"]}}, "
            + "{\"name\": \"half\", \"percent\": 50}, {\"name\": \"all\"}], \"minAppliedPercent\": 90, \"maxFailedPercent\": 5, \"soakSeconds\": 600}";
    static final Digest D1 = Digest.of(new byte[] {1});
    static final Digest D2 = Digest.of(new byte[] {2});
    static final Labels CANARY = Labels.parseArg("ring=canary", "labels");

    static JsonNode json(String s) {
        return StrictJson.parse(s.getBytes(StandardCharsets.UTF_8), 16, "plan");
    }

    static RolloutPlan plan(String s) {
        return RolloutPlan.parse(json(s), "rollout");
    }

    @Test
    void aPlanParsesWithItsDefaultsAndRoundTrips() {
        RolloutPlan p = plan(PLAN);
        assertThat(p.waves()).extracting(RolloutPlan.Wave::name).containsExactly("canary", "half", "all");
        assertThat(p.soak()).isEqualTo(Duration.ofMinutes(10));
        assertThat(RolloutPlan.parse(p.toTree(), "rollout")).isEqualTo(p);
        RolloutPlan bare = plan("{\"waves\": [{\"name\": \"all\"}]}");
        assertThat(bare.minAppliedPercent()).as("by default every device must apply").isEqualTo(100);
        assertThat(bare.maxFailedPercent()).as("and none may fail").isZero();
        assertThat(bare.soak()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no waves|{\"waves\": []}|rollout.waves: 1 to 10 waves",
        "a last wave that leaves devices out|{\"waves\": [{\"name\": \"canary\", \"percent\": 5}]}|the last wave (canary) must take every device",
        "a percent of 0|{\"waves\": [{\"name\": \"a\", \"percent\": 0}, {\"name\": \"b\"}]}|rollout.waves[0].percent: 0 is not 1 to 100",
        "a name twice|{\"waves\": [{\"name\": \"a\", \"percent\": 5}, {\"name\": \"a\"}]}|rollout.waves[1].name: \"a\" is not a new wave name",
        "a share over 100%|{\"waves\": [{\"name\": \"a\"}], \"maxFailedPercent\": 500}|rollout.maxFailedPercent: 500 is not a percentage from 0 to 100",
        "an unknown field|{\"waves\": [{\"name\": \"a\"}], \"soak\": \"10m\"}|rollout: unknown field \"soak\"",
        "a negative soak|{\"waves\": [{\"name\": \"a\"}], \"soakSeconds\": -1}|rollout.soakSeconds: -1 is not 0 to 30 days",
        "a bad selector|{\"waves\": [{\"name\": \"a\", \"selector\": {\"ring\": []}}, {\"name\": \"b\"}]}|rollout.waves[0].selector.ring: must be an array of 1 to 64",
    })
    void aBadPlanIsMalformedAndSaysWhere(String name, String plan, String why) {
        assertThatThrownBy(() -> plan(plan)).isInstanceOfSatisfying(CscsException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED)).hasMessageContaining(why);
    }

    @Test
    void aDeviceMatchingTheCanarySelectorIsInTheCanaryWaveAndOthersSplitByTheirBucket() {
        RolloutPlan p = plan(PLAN);
        int half = 0;
        for (int i = 0; i < 2000; i++) {
            String node = "edge" + i;
            assertThat(p.waveOf(node, CANARY, D1)).isZero();
            int w = p.waveOf(node, Labels.NONE, D1);
            assertThat(w).isIn(1, 2);
            assertThat(p.waveOf(node, Labels.NONE, D1)).as("the same device computes the same wave").isEqualTo(w);
            half += w == 1 ? 1 : 0;
        }
        assertThat(half).as("50% of 2000, give or take what chance allows").isBetween(900, 1100);
    }

    @Test
    void raisingAWavesPercentageOnlyAddsDevicesToItAndAnotherChangesetDrawsAnew() {
        RolloutPlan five = plan("{\"waves\": [{\"name\": \"a\", \"percent\": 5}, {\"name\": \"b\"}]}");
        RolloutPlan twenty = plan("{\"waves\": [{\"name\": \"a\", \"percent\": 20}, {\"name\": \"b\"}]}");
        int moved = 0;
        for (int i = 0; i < 2000; i++) {
            String node = "edge" + i;
            if (five.waveOf(node, Labels.NONE, D1) == 0) {
                assertThat(twenty.waveOf(node, Labels.NONE, D1)).as(node + " stays in wave a").isZero();
            }
            moved += five.waveOf(node, Labels.NONE, D1) != five.waveOf(node, Labels.NONE, D2) ? 1 : 0;
        }
        assertThat(moved).as("the first 5% of one changeset are not always the first of the next").isPositive();
    }

    @Test
    void theBucketIsTheDocumentedHashSoOtherToolsComputeTheSameWave() throws Exception {
        byte[] h = MessageDigest.getInstance("SHA-256")
                .digest(("cscs-rollout-v1\n" + D1 + "\nedge7").getBytes(StandardCharsets.UTF_8));
        long v = ByteBuffer.wrap(h, 0, 8).getLong();
        assertThat(RolloutPlan.bucket("edge7", D1)).isEqualTo((int) Long.remainderUnsigned(v, 10_000));
    }
}
