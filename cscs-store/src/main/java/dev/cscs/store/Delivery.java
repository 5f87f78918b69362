package dev.cscs.store;

import java.util.List;

/** What a watcher receives: changesets in revision order, or, where history was compacted, whole chains. */
public sealed interface Delivery permits Delivery.Events, Delivery.Snapshot {
    record Events(List<StoredChangeset> changesets) implements Delivery {
    }

    /**
     * The full verified state at {@code revision}: every changeset of {@code _trust} and of the
     * watched domains, in revision order. Events after it follow.
     */
    record Snapshot(long revision, List<StoredChangeset> changesets) implements Delivery {
    }
}
