package dev.cscs.server;

import dev.cscs.agent.feed.ChangesetFeed;
import dev.cscs.agent.feed.FeedItem;
import dev.cscs.agent.feed.FeedListener;
import dev.cscs.agent.feed.FeedSubscription;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.Delivery;
import dev.cscs.store.StoredChangeset;
import dev.cscs.store.Subscription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The in-process agent's feed: the local store's subscription, pushed on every applied changeset
 * and freshness record. It has one source, so abandoning it moves nowhere.
 */
final class StoreFeed implements ChangesetFeed {
    private final ConfigStore store;

    StoreFeed(ConfigStore store) {
        this.store = store;
    }

    @Override
    public FeedSubscription subscribe(List<String> domains, long fromRevision, FeedListener listener) {
        AtomicBoolean delivered = new AtomicBoolean();
        Subscription s = store.subscribe(new HashSet<>(domains), fromRevision, d -> {
            delivered.set(true);
            if (d instanceof Delivery.Snapshot) {
                listener.onSnapshot(((Delivery.Snapshot) d).revision(), items(((Delivery.Snapshot) d).changesets()));
            } else if (d instanceof Delivery.Fresh f) {
                listener.onFreshness(f.revision(), f.freshness());
            } else {
                listener.onChangesets(items(((Delivery.Events) d).changesets()));
            }
        });
        if (!delivered.get()) {
            // tells the agent the source is there and has nothing newer for it
            listener.onChangesets(List.of());
        }
        return s::close;
    }

    private static List<FeedItem> items(List<StoredChangeset> list) {
        List<FeedItem> out = new ArrayList<>(list.size());
        for (StoredChangeset s : list) {
            out.add(new FeedItem(s.revision(), s.changeset()));
        }
        return out;
    }
}
