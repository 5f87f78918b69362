package dev.cscs.store.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.testing.Chains;
import dev.cscs.store.LogEntryCodec;
import dev.cscs.store.SnapshotCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * What a node reads from its log and from snapshot files (also installed from a leader) ends in
 * a value or a typed error: no other exception, no hang.
 */
class StoreInputFuzzTest {
    private static final dev.cscs.core.model.Changeset GENESIS = Chains.genesis();

    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider data) {
        try {
            if (data.consumeBoolean()) {
                LogEntryCodec.decode(data.consumeRemainingAsBytes(), Limits.DEFAULT);
            } else {
                SnapshotCodec.read(new ByteArrayInputStream(data.consumeRemainingAsBytes()), GENESIS,
                        ChangesetCodec.digest(GENESIS.body()), 100, 1, 7);
            }
        } catch (CscsException | IOException expected) {
            // typed rejection; IOException is a truncated stream
        }
    }
}
