package dev.cscs.store.raft;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.testing.Chains;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.LogEntry;
import org.junit.jupiter.api.Test;

class SpeculationTest {
    private final Changeset genesis = Chains.genesis();
    private final ConfigStore store = new ConfigStore(genesis, ChangesetCodec.digest(genesis.body()), 100);
    private final Speculation speculation = new Speculation();

    private Changeset first(String value) {
        return Chains.signed(Chains.next(store.chainState(), "global", put("sysctl/k", "{\"value\":\"" + value + "\"}")),
                Chains.signerB());
    }

    private void refused(Changeset cs) {
        assertThatThrownBy(() -> speculation.check(store, cs))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_SEQ));
    }

    @Test
    void aPendingEntryKeepsRefusingItsSeqWhateverElseIsCancelledOrRejected() {
        Changeset a = first("a");
        Changeset b = first("b");
        Changeset c = first("c");
        speculation.check(store, a);
        refused(b);

        // Ratis cancels what startTransaction refused; it was never in the view
        speculation.cancelled(store, ChangesetCodec.digest(b.body()));
        refused(c);
        // an entry of another leader, rejected on apply: the view is rebuilt, a stays in it
        speculation.applied(store, ChangesetCodec.digest(b.body()), false);
        refused(c);
    }

    @Test
    void aCancelledEntryFreesItsSeqAndAnAppliedOneMovesTheHead() {
        Changeset a = first("a");
        Changeset b = first("b");
        speculation.check(store, a);
        speculation.cancelled(store, ChangesetCodec.digest(a.body()));
        speculation.check(store, b);

        store.apply(1, new LogEntry.Submit("n1", "2026-11-29T16:00:00Z", b));
        speculation.applied(store, ChangesetCodec.digest(b.body()), true);
        refused(a);
        assertThat(speculation.check(store, first("next")).seq()).isEqualTo(2);
    }
}
