package dev.cscs.store;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;

/** A changeset the store accepted, with the revision (Raft log index) that applied it. */
public record StoredChangeset(long revision, Changeset changeset, Digest digest) {
    public String domain() {
        return changeset.body().domain();
    }

    public long seq() {
        return changeset.body().seq();
    }
}
