package dev.cscs.store.raft;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Ratis client, kept usable. It is rebuilt in two cases:
 * <ul>
 * <li>A Ratis client knows only the peers it was built with, so it is rebuilt when the members
 *     change. Otherwise a leader it never knew (a joined voter), or a removed peer it still
 *     asks, keeps it failing with NotLeaderException.</li>
 * <li>Its ordered sliding window keeps the first failure for good. Once one write runs out of
 *     retries (a leaderless spell longer than the retry budget), every later write on that
 *     client fails at once with AlreadyClosedException, until the process restarts. A fleet
 *     benchmark found this: after a server restart, a survivor refused every write for as long
 *     as it was watched.</li>
 * </ul>
 * A replaced client finishes its requests in flight before it is closed, on the node's own
 * executor: closing waits for each gRPC channel, which must not hold a Ratis thread.
 */
final class RaftClients implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftClients.class);
    /** The longest a request can retry (40 attempts of up to 3 s), and then some. */
    static final Duration RETIRE_AFTER = Duration.ofSeconds(150);

    private final Function<RaftGroup, RaftClient> build;
    private final Executor closer;
    private final List<RaftClient> retiring = new ArrayList<>();
    private volatile RaftClient current;
    private RaftGroup group;
    private boolean closed;

    RaftClients(Function<RaftGroup, RaftClient> build, RaftGroup group, Executor closer) {
        this.build = build;
        this.closer = closer;
        this.group = group;
        this.current = build.apply(group);
    }

    /** The client to send on now; pass it back to {@link #failed} with the error of what was sent on it. */
    RaftClient current() {
        return current;
    }

    /** Rebuilds the client for {@code members}, unless it has them already. */
    synchronized void follow(List<RaftPeer> members) {
        Set<String> key = ids(members);
        if (closed || members.isEmpty() || key.equals(ids(group.getPeers()))) {
            return;
        }
        replace(RaftGroup.valueOf(group.getGroupId(), members));
        LOG.info("Raft client follows the members now: {}", key);
    }

    /** After a request sent on {@code used} failed with {@code error}: a client whose ordered window that closed is replaced. */
    void failed(RaftClient used, Throwable error) {
        if (!closesWindow(error)) {
            return;
        }
        synchronized (this) {
            if (closed || used != current) {
                return; // closing, or already replaced since that request was sent
            }
            replace(group);
        }
        LOG.info("Raft client renewed: a write ran out of retries ({}), which leaves Ratis' ordered client failing every later one",
                RaftNode.rootMessage(error));
    }

    /** Whether {@code error} is one after which Ratis' ordered client fails every later request. */
    static boolean closesWindow(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AlreadyClosedException || t instanceof RaftRetryFailureException) {
                return true;
            }
        }
        return false;
    }

    private void replace(RaftGroup to) {
        RaftClient old = current;
        current = build.apply(to);
        group = to;
        retiring.add(old);
        CompletableFuture.delayedExecutor(RETIRE_AFTER.toSeconds(), TimeUnit.SECONDS, closer).execute(() -> retire(old));
    }

    private void retire(RaftClient old) {
        synchronized (this) {
            if (!retiring.remove(old)) {
                return; // closed with the rest already
            }
        }
        closeQuietly(old);
    }

    @Override
    public void close() throws IOException {
        List<RaftClient> left;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(retiring);
            retiring.clear();
        }
        left.forEach(RaftClients::closeQuietly);
        current.close();
    }

    private static Set<String> ids(Collection<RaftPeer> peers) {
        Set<String> out = new TreeSet<>();
        peers.forEach(p -> out.add(p.getId() + "@" + p.getAddress()));
        return out;
    }

    private static void closeQuietly(RaftClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a replaced Raft client: {}", RaftNode.rootMessage(e));
        }
    }
}
