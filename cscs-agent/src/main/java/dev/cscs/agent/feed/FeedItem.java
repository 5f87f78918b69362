package dev.cscs.agent.feed;

import dev.cscs.core.model.Changeset;
import java.util.Objects;

/** One delivered changeset and the revision (Raft log index) the source applied it at. */
public record FeedItem(long revision, Changeset changeset) {
    public FeedItem {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be 0 or more: " + revision);
        }
        Objects.requireNonNull(changeset, "changeset");
    }

    public String domain() {
        return changeset.body().domain();
    }

    public long seq() {
        return changeset.body().seq();
    }
}
