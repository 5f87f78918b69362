package dev.cscs.store;

import dev.cscs.core.error.CscsException;

/** What applying one log entry did. */
public sealed interface Outcome permits Outcome.Accepted, Outcome.Rejected, Outcome.Recorded {
    record Accepted(StoredChangeset stored) implements Outcome {
    }

    /** The entry was verified and refused; the store recorded an alert and changed nothing else. */
    record Rejected(CscsException reason) implements Outcome {
    }

    /** An alert or status report was recorded. */
    record Recorded(long revision) implements Outcome {
    }
}
