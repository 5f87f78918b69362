package dev.cscs.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Labels;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.TestKeys;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsAndSelectorsTest {
    private static Labels labels(String arg) {
        return Labels.parseArg(arg, "labels");
    }

    @Test
    void aSelectorMatchesWhenEveryLabelItNamesHasOneOfItsValues() {
        TrustPolicy p = PolicyBuilder.from(Chains.policy())
                .selector("global", Chains.json("{\"ring\": [\"canary\", \"beta\"], \"site\": [\"plant-b\"]}")).build();
        Selector s = p.domains().get("global").selector();

        assertThat(s.matches(labels("ring=canary,site=plant-b,hw=rpi4"))).isTrue();
        assertThat(s.matches(labels("ring=beta,site=plant-b"))).isTrue();
        assertThat(s.matches(labels("ring=stable,site=plant-b"))).isFalse();
        assertThat(s.matches(labels("ring=canary"))).as("a label it names is missing").isFalse();
        assertThat(s.toString()).isEqualTo("ring=canary|beta,site=plant-b");
        assertThat(PolicyCodec.parse(PolicyCodec.toTree(p))).as("round trip").isEqualTo(p);
    }

    @Test
    void badSelectorsAndLabelsAreRefusedWithWhereAndWhy() {
        assertThatThrownBy(() -> PolicyBuilder.from(Chains.policy()).selector("global", Chains.json("{\"ring\": []}")).build())
                .isInstanceOf(CscsException.class).hasMessageContaining("policy.domains.global.selector.ring: must be an array of 1 to");
        assertThatThrownBy(() -> PolicyBuilder.from(Chains.policy()).selector("global", Chains.json("{\"Ring\": [\"a\"]}")).build())
                .isInstanceOf(CscsException.class).hasMessageContaining("is not a label name");
        assertThatThrownBy(() -> labels("ring=can ary")).isInstanceOf(CscsException.class).hasMessageContaining("is not a label value");
        assertThatThrownBy(() -> labels("ring=a,ring=b")).isInstanceOf(CscsException.class).hasMessageContaining("given twice");
    }

    @Test
    void aTokenSignsItsLabelsAndATokenWithoutLabelsKeepsItsFormerBytes() {
        var key = TestKeys.ed("device");
        JoinToken plain = JoinToken.issue("edge1", "agent", List.of("global"), key.publicKey(), Chains.T0, Duration.ofHours(1),
                List.of(Chains.root()));
        assertThat(plain.body().has("labels")).isFalse();
        JoinToken labelled = JoinToken.issue("edge1", "agent", List.of("global"), labels("ring=canary"), key.publicKey(), Chains.T0,
                Duration.ofHours(1), List.of(Chains.root()));
        JoinToken back = JoinToken.fromTree(labelled.toJson());
        assertThat(back.labels()).isEqualTo(labels("ring=canary"));
        back.verify(Chains.policy(), Chains.T0, false);

        // a label changed after signing no longer verifies
        var tampered = labelled.toJson();
        ((ObjectNode) tampered.get("body").get("labels")).put("ring", "stable");
        assertThatThrownBy(() -> JoinToken.fromTree(tampered).verify(Chains.policy(), Chains.T0, false))
                .isInstanceOf(CscsException.class).hasMessageContaining("does not verify");
    }
}
