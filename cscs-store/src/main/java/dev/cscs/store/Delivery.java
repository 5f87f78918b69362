package dev.cscs.store;

import dev.cscs.core.trust.Freshness;
import java.util.List;

/**
 * What a watcher receives: changesets in revision order, or, where history was compacted, whole chains;
 * and each new signed freshness record in its place among them.
 */
public sealed interface Delivery permits Delivery.Events, Delivery.Snapshot, Delivery.Fresh {
    record Events(List<StoredChangeset> changesets) implements Delivery {
    }

    /**
     * The full verified state at {@code revision}: every changeset of {@code _trust} and of the
     * watched domains, in revision order. Events after it follow.
     */
    record Snapshot(long revision, List<StoredChangeset> changesets) implements Delivery {
    }

    /** The latest signed freshness record, committed at {@code revision}: after the changesets before it. */
    record Fresh(long revision, Freshness freshness) implements Delivery {
    }
}
