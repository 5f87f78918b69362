package dev.cscs.agent.feed;

import java.util.List;

/**
 * A source of changesets: the local store (server-embedded agent) or a server's watch stream
 * (edge agent).
 */
public interface ChangesetFeed {
    /**
     * Delivers, in revision order, every changeset of {@code _trust} and of {@code domains}
     * after {@code fromRevision}; where the source compacted its history it first delivers a
     * snapshot: every changeset of those chains from seq 1. Revision 0 is the genesis and is
     * never delivered; a new subscriber starts at 0.
     *
     * <p>Callbacks may come from any thread, one at a time, and the listener returns quickly.
     * A source with nothing to deliver should call {@code onChangesets(List.of())} once, so the
     * agent knows it is up to date. After the changesets, a source hands on each new signed freshness
     * record, and a new subscriber first gets the latest one. Closing the handle stops all deliveries.
     */
    FeedSubscription subscribe(List<String> domains, long fromRevision, FeedListener listener);
}
