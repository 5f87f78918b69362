package dev.cscs.store.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.testing.Chains;
import dev.cscs.store.LogEntry;
import dev.cscs.store.LogEntryCodec;
import dev.cscs.store.SnapshotCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * What a node reads from its log and from snapshot files (also installed from a leader) ends in
 * a value or a typed error: no other exception, no hang. A log entry that decodes encodes to the
 * canonical bytes that decode to it again: every replica proposes and reads one form.
 */
class StoreInputFuzzTest {
    private static final Changeset GENESIS = Chains.genesis();

    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider data) {
        try {
            if (data.consumeBoolean()) {
                LogEntry entry = LogEntryCodec.decode(data.consumeRemainingAsBytes(), Limits.DEFAULT);
                byte[] canonical = LogEntryCodec.encode(entry);
                if (!Arrays.equals(LogEntryCodec.encode(LogEntryCodec.decode(canonical, Limits.DEFAULT)), canonical)) {
                    throw new AssertionError("the canonical form of a " + entry.getClass().getSimpleName() + " does not round-trip");
                }
            } else {
                SnapshotCodec.read(new ByteArrayInputStream(data.consumeRemainingAsBytes()), GENESIS,
                        ChangesetCodec.digest(GENESIS.body()), 100, 1, 7);
            }
        } catch (CscsException | IOException expected) {
            // typed rejection; IOException is a truncated stream
        }
    }
}
