package dev.cscs.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.ChainState;

/**
 * Any bytes given to the changeset parser and the chain verifier end in a changeset or a
 * typed {@link CscsException}: no other exception, no hang. What parses must re-encode to
 * something that parses to the same digest.
 */
class ChangesetParserFuzzTest {
    private static final ChainState STATE = Chains.state();
    private static final Limits LIMITS = new Limits(64 << 10, 4 << 10, 64, 16, 8);

    @FuzzTest(maxDuration = "60s")
    void parseAndVerify(byte[] input) {
        Changeset cs;
        try {
            cs = ChangesetCodec.parse(input, LIMITS);
        } catch (CscsException expected) {
            return;
        }
        Changeset again = ChangesetCodec.parse(ChangesetCodec.toCompactJson(cs), LIMITS);
        if (!ChangesetCodec.digest(again.body()).equals(ChangesetCodec.digest(cs.body()))) {
            throw new IllegalStateException("re-encoding changed the digest");
        }
        try {
            STATE.check(cs);
        } catch (CscsException expected) {
            // typed rejection
        }
    }
}
