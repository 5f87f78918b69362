package dev.cscs.agent;

import dev.cscs.agent.feed.ChangesetFeed;
import dev.cscs.agent.feed.FeedItem;
import dev.cscs.agent.feed.FeedListener;
import dev.cscs.agent.feed.FeedSubscription;
import dev.cscs.core.trust.Freshness;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory source built from core's {@link Chains} world, with real signatures: it keeps
 * its own chain state to sign the next valid link, and can also push anything at all (forged,
 * out of order, replayed) to see what the agent does with it.
 */
final class TestSource implements ChangesetFeed {
    private final ChainState state = Chains.state();
    private final List<FeedItem> log = new ArrayList<>();
    private final List<FeedListener> listeners = new ArrayList<>();
    private long revision;
    /** Never delivers anything: a source that is down. */
    boolean silent;
    /** Logs new commits without delivering them: they reach the agent only in a snapshot (compaction). */
    boolean muted;
    long subscribedFrom = -1;
    /** How many items a new subscription gets at once; the rest wait for {@link #release()}. */
    int replayLimit = Integer.MAX_VALUE;
    private final List<FeedItem> held = new ArrayList<>();
    private final List<String> abandoned = new ArrayList<>();

    static PrivateKeyRef signerOf(String domain) {
        return switch (domain) {
            case "factory-a" -> Chains.signerA();
            case "global" -> Chains.signerB();
            default -> Chains.root();
        };
    }

    /** The source's own chain state, to build links that do not follow it. */
    ChainState stateForTests() {
        return state;
    }

    /** The next valid link of {@code domain}, signed by its signer, not yet committed. */
    Changeset next(String domain, Op... ops) {
        return Chains.signed(Chains.next(state, domain, ops), signerOf(domain));
    }

    /** Signs, commits and delivers the next link of {@code domain}. */
    Changeset commit(String domain, Op... ops) {
        Changeset cs = next(domain, ops);
        state.accept(cs);
        push(cs);
        return cs;
    }

    /** Signs the next link of {@code domain} with {@code key}, commits it if the source's chain accepts it, and delivers it. */
    Changeset commitSignedBy(PrivateKeyRef key, String domain, Op... ops) {
        Changeset cs = Chains.signed(Chains.next(state, domain, ops), key);
        state.accept(cs);
        push(cs);
        return cs;
    }

    /** A new trust policy, signed by the root, committed and delivered. */
    Changeset commitPolicy(TrustPolicy next) {
        Changeset cs = Chains.signed(Signing.policyChange(state, next, Chains.T0, "rotate"), Chains.root());
        state.accept(cs);
        push(cs);
        return cs;
    }

    /** Delivers what {@link #replayLimit} held back from the last subscription. */
    void release() {
        List<FeedItem> rest = List.copyOf(held);
        held.clear();
        listeners.forEach(l -> l.onChangesets(rest));
    }

    /** Tells every subscriber the source went away, then that it is back with nothing new. */
    void disconnect(String why) {
        listeners.forEach(l -> l.onDisconnected(why));
    }

    void reconnect() {
        listeners.forEach(l -> l.onChangesets(List.of()));
    }

    /** Delivers {@code cs} at the next revision, as it is: the source's chain is not checked. */
    FeedItem push(Changeset cs) {
        FeedItem item = new FeedItem(++revision, cs);
        log.add(item);
        if (!muted) {
            listeners.forEach(l -> l.onChangesets(List.of(item)));
        }
        return item;
    }

    /** Delivers a signed freshness record at the next revision, after everything delivered before. */
    void fresh(Freshness f) {
        long at = ++revision;
        listeners.forEach(l -> l.onFreshness(at, f));
    }

    /** Why the agent left this source, each time it did. */
    List<String> abandoned() {
        return List.copyOf(abandoned);
    }

    /** Delivers everything in the log as a snapshot (with the genesis at revision 0, as the store sends it). */
    void snapshot() {
        snapshot(log);
    }

    void snapshot(List<FeedItem> items) {
        List<FeedItem> all = new ArrayList<>();
        all.add(new FeedItem(0, Chains.genesis()));
        all.addAll(items);
        listeners.forEach(l -> l.onSnapshot(revision, all));
    }

    List<FeedItem> log() {
        return List.copyOf(log);
    }

    /** A source whose log is the first {@code n} items of this one: a stale replica, or a replay. */
    TestSource prefix(int n) {
        TestSource s = new TestSource();
        for (FeedItem i : log.subList(0, n)) {
            s.state.accept(i.changeset());
            s.push(i.changeset());
        }
        return s;
    }

    @Override
    public FeedSubscription subscribe(List<String> domains, long fromRevision, FeedListener listener) {
        subscribedFrom = fromRevision;
        if (!silent) {
            List<FeedItem> replay = log.stream().filter(i -> i.revision() > fromRevision).toList();
            int now = Math.min(replayLimit, replay.size());
            listener.onChangesets(replay.subList(0, now));
            held.addAll(replay.subList(now, replay.size()));
            listeners.add(listener);
        }
        return new FeedSubscription() {
            @Override
            public void close() {
                listeners.remove(listener);
            }

            @Override
            public void abandonSource(String why) {
                abandoned.add(why);
            }
        };
    }
}
