package dev.cscs.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.chaos.History.Outcome;
import dev.cscs.core.model.Changeset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ChainCheck's verdict from given chains and history: each kind of wrong chain must be caught. */
class ChainCheckTest {
    private final ChainFixture f = new ChainFixture();

    private static History history(History.Write... writes) {
        History h = new History();
        for (History.Write w : writes) {
            h.add(w);
        }
        return h;
    }

    @Test
    void everyAckedWriteInTheChainWhereItWasAckedIsNoIssue() {
        Changeset a = f.commit("yum/r1", "w0-0");
        Changeset b = f.commit("yum/r2", "w0-1");
        ChainCheck c = f.check(history(ChainFixture.acked(a, 0, 10), ChainFixture.acked(b, 20, 30)));
        assertThat(c.issues).isEmpty();
        assertThat(c.lost).isZero();
        assertThat(c.finalState("d1")).containsEntry("yum/r1", "w0-0").containsEntry("yum/r2", "w0-1");
    }

    @Test
    void anAckedWriteMissingFromTheChainIsLost() {
        f.commit("yum/r1", "w0-0");
        Changeset missing = f.next("yum/r1", "w0-1");
        ChainCheck c = f.check(history(ChainFixture.acked(missing, 0, 10)));
        assertThat(c.lost).isEqualTo(1);
        assertThat(c.issues).singleElement().asString().startsWith("lost: w0-1").contains("acknowledged at seq 2", "not in the chain");
    }

    @Test
    void anAckNamingAnotherSeqIsLost() {
        Changeset a = f.commit("yum/r1", "w0-0");
        ChainCheck c = f.check(history(ChainFixture.acked(a, new History.Ack(2, ChainFixture.digest(a)), 0, 10)));
        assertThat(c.lost).isEqualTo(1);
        assertThat(c.issues).singleElement().asString().contains("acknowledged at seq 2", "but the chain has it at seq 1");
    }

    @Test
    void anAckNamingAnotherDigestIsLost() {
        Changeset a = f.commit("yum/r1", "w0-0");
        Changeset other = f.next("yum/r1", "w0-9");
        ChainCheck c = f.check(history(ChainFixture.acked(a, new History.Ack(1, ChainFixture.digest(other)), 0, 10)));
        assertThat(c.lost).isEqualTo(1);
        assertThat(c.issues).singleElement().asString().contains("digest " + ChainFixture.digest(other), "but the chain has it at seq 1");
    }

    @Test
    void aRefusedWriteInTheChainIsAProblem() {
        Changeset a = f.commit("yum/r1", "w0-0");
        ChainCheck c = f.check(history(ChainFixture.write(a, Outcome.FAILED, null, 0, 10)));
        assertThat(c.lost).isZero();
        assertThat(c.issues).singleElement().asString().startsWith("refused, yet committed: w0-0");
    }

    @Test
    void anUnknownWriteMayBeInTheChainOrNot() {
        Changeset in = f.commit("yum/r1", "w0-0");
        Changeset out = f.next("yum/r1", "w0-1");
        ChainCheck c = f.check(history(ChainFixture.write(in, Outcome.UNKNOWN, null, 0, Linearizability.UNKNOWN),
                ChainFixture.write(out, Outcome.UNKNOWN, null, 0, Linearizability.UNKNOWN)));
        assertThat(c.issues).isEmpty();
        assertThat(c.committed("w0-0")).isTrue();
        assertThat(c.committed("w0-1")).isFalse();
    }

    @Test
    void aNonceCommittedTwiceIsDuplicated() {
        f.commit("yum/r1", "w0-0");
        f.commit("yum/r2", "w0-0");
        ChainCheck c = f.check(new History());
        assertThat(c.duplicated).isEqualTo(1);
        assertThat(c.issues).singleElement().asString().contains("committed twice");
    }

    @Test
    void aServerWithAShorterChainOrNoAnswerDisagrees() {
        Changeset a = f.commit("yum/r1", "w0-0");
        f.commit("yum/r1", "w0-1");
        ChainCheck shorter = new ChainCheck(f.genesis, Map.of("d1", f.views(Map.of("n2", List.of(ChainFixture.stored(a))))), new History());
        assertThat(shorter.issues).singleElement().asString().isEqualTo("d1: n2 disagrees with n1 (1 entries vs 2)");
        Map<String, List<JsonNode>> silent = new LinkedHashMap<>(f.views(Map.of()));
        silent.put("n2", null);
        ChainCheck none = new ChainCheck(f.genesis, Map.of("d1", silent), new History());
        assertThat(none.issues).singleElement().asString().isEqualTo("d1: n2 disagrees with n1 (no answer vs 2)");
    }
}
