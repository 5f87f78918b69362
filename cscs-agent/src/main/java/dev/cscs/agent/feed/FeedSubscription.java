package dev.cscs.agent.feed;

/** A feed subscription's handle: closing it stops all deliveries. */
public interface FeedSubscription extends AutoCloseable {
    @Override
    void close();

    /**
     * The agent caught the source withholding or frozen (a signed freshness record showed it): a feed
     * with other sources moves to another and avoids this one for a while; a feed with one source
     * (the local store) has nowhere to go and does nothing.
     */
    default void abandonSource(String why) {
    }
}
