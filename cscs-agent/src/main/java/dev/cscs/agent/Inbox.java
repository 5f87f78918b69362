package dev.cscs.agent;

import dev.cscs.agent.feed.FeedItem;
import dev.cscs.agent.feed.FeedListener;
import dev.cscs.core.trust.Freshness;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's side of a feed subscription: callbacks (from any thread) only queue the event
 * and wake the loop; verification happens later, on the reconcile thread, so a slow signature
 * check never holds up the source.
 */
final class Inbox {
    /** A queued delivery. */
    sealed interface Event permits Batch, Snapshot, Fresh {
    }

    record Batch(List<FeedItem> items) implements Event {
    }

    record Snapshot(long revision, List<FeedItem> items) implements Event {
    }

    record Fresh(long revision, Freshness freshness) implements Event {
    }

    private final Runnable wake;
    private final List<Event> queue = new ArrayList<>();
    private int generation;
    private boolean delivered;
    private String disconnected;

    /** {@code wake} is called after each delivery, outside the inbox's lock. */
    Inbox(Runnable wake) {
        this.wake = wake;
    }

    /**
     * The listener for a new subscription, replacing the one before: what is queued is dropped, and
     * so is anything the replaced subscription still delivers after it was closed.
     */
    synchronized FeedListener renew() {
        queue.clear();
        int mine = ++generation;
        return new FeedListener() {
            @Override
            public void onChangesets(List<FeedItem> items) {
                deliver(mine, new Batch(List.copyOf(items)));
            }

            @Override
            public void onSnapshot(long revision, List<FeedItem> all) {
                deliver(mine, new Snapshot(revision, List.copyOf(all)));
            }

            @Override
            public void onFreshness(long revision, Freshness record) {
                deliver(mine, new Fresh(revision, record));
            }

            @Override
            public void onDisconnected(String why) {
                disconnected(mine, why);
            }
        };
    }

    private void deliver(int from, Event e) {
        synchronized (this) {
            if (from != generation) {
                return;
            }
            if (e instanceof Snapshot) {
                // a snapshot replaces everything before it, so what is still queued is moot
                queue.clear();
            }
            queue.add(e);
            delivered = true;
            disconnected = null;
        }
        wake.run();
    }

    private synchronized void disconnected(int from, String why) {
        if (from == generation) {
            disconnected = why == null ? "disconnected" : why;
        }
    }

    /** Takes everything queued, in order. */
    synchronized List<Event> drain() {
        List<Event> out = List.copyOf(queue);
        queue.clear();
        return out;
    }

    /** Whether the source has delivered anything since the agent started. */
    synchronized boolean delivered() {
        return delivered;
    }

    /** Why the source went away, until it delivers again; {@code null} when it is up. */
    synchronized String disconnected() {
        return disconnected;
    }
}
