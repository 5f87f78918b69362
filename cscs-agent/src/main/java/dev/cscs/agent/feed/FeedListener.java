package dev.cscs.agent.feed;

import dev.cscs.core.trust.Freshness;
import java.util.List;

/** Receives a feed's deliveries. Implementations queue and return at once. */
public interface FeedListener {
    /** Changesets in revision order; may repeat revisions already seen (the listener ignores them). */
    void onChangesets(List<FeedItem> items);

    /**
     * The whole state at {@code revision}: every changeset of the watched chains from seq 1 (the
     * genesis may be included). It replaces what came before; the listener re-verifies from the
     * genesis.
     */
    void onSnapshot(long revision, List<FeedItem> all);

    /**
     * A signed freshness record, committed at {@code revision}, in its place after the changesets
     * before it. Unverified: the listener checks its signature against its own verified registry.
     */
    default void onFreshness(long revision, Freshness record) {
    }

    /** The source went away; the feed reconnects by itself and resumes. For status only. */
    default void onDisconnected(String why) {
    }
}
