package dev.cscs.store.raft;

import dev.cscs.store.NodeView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the Raft configuration follow the {@code _nodes} registry, on the leader only, level-
 * triggered: after every registry change and every leader change it computes the desired
 * voters and listeners and, if they differ, sets them. Bootstrap peers the registry does not
 * name are left as they are. A replica becomes a voter only once it has caught up.
 */
final class Membership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    /** How close (in log entries) a replica must be to the commit index before it may vote. */
    static final long CAUGHT_UP_SLACK = 16;

    private final RaftNode node;
    private final java.util.concurrent.Executor executor;
    private final ScheduledExecutorService retries = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cscs-membership-retry");
        t.setDaemon(true);
        return t;
    });
    private volatile int seenRegistry;
    private final java.util.Set<String> awaited = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Membership(RaftNode node, java.util.concurrent.Executor executor) {
        this.node = node;
        this.executor = executor;
    }

    void maybeReconcile() {
        int h = node.store().nodes().hashCode();
        if (h != seenRegistry) {
            seenRegistry = h;
            schedule(0);
        }
    }

    void leaderChanged() {
        schedule(0);
    }

    private void schedule(long delayMs) {
        Runnable task = () -> executor.execute(this::reconcileSafely);
        if (delayMs == 0) {
            task.run();
        } else {
            try {
                retries.schedule(task, delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("node is closing: no retry");
            }
        }
    }

    void close() {
        retries.shutdownNow();
    }

    List<MemberInfo> current() {
        RaftConfiguration conf = node.division().getRaftConf();
        List<MemberInfo> out = new ArrayList<>();
        conf.getCurrentPeers(RaftPeerRole.FOLLOWER).forEach(p -> out.add(new MemberInfo(p.getId().toString(), p.getAddress(), "voter")));
        conf.getCurrentPeers(RaftPeerRole.LISTENER).forEach(p -> out.add(new MemberInfo(p.getId().toString(), p.getAddress(), "replica")));
        return out;
    }

    private void reconcileSafely() {
        try {
            reconcile();
        } catch (RuntimeException | java.io.IOException e) {
            LOG.warn("membership change failed, retrying: {}", RaftNode.rootMessage(e));
            schedule(1000);
        }
    }

    private void reconcile() throws java.io.IOException {
        RaftServer.Division d = node.division();
        if (!d.getInfo().isLeader()) {
            return;
        }
        int healed = org.apache.ratis.server.impl.CscsLeaderShim.markMembersCaughtUp(d);
        if (healed > 0) {
            LOG.debug("marked {} members as caught up on this leader", healed);
        }
        RaftConfiguration conf = d.getRaftConf();
        Map<String, RaftPeer> voters = byId(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
        Map<String, RaftPeer> listeners = byId(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        Map<String, RaftPeer> wantVoters = new LinkedHashMap<>(voters);
        Map<String, RaftPeer> wantListeners = new LinkedHashMap<>(listeners);
        boolean waiting = false;
        for (NodeView r : node.store().nodes().values()) {
            if ("agent".equals(r.role())) {
                continue;
            }
            wantVoters.remove(r.id());
            wantListeners.remove(r.id());
            RaftPeer peer = r.raft() == null || r.raft().isEmpty() ? null
                    : RaftPeer.newBuilder().setId(r.id()).setAddress(r.raft()).build();
            if (peer == null) {
                continue;
            }
            if (!voters.containsKey(r.id()) && !listeners.containsKey(r.id()) && !listening(r.raft())) {
                // Staging a peer whose Raft server is not up yet fails NOPROGRESS, and Ratis 3.3.0 then
                // never sees the retried peer catch up on an idle log (heartbeat replies carry no match
                // index): wait until it listens.
                if (awaited.add(r.id())) {
                    LOG.info("membership: waiting for {} to listen on {} before adding it", r.id(), r.raft());
                }
                waiting = true;
                continue;
            }
            if ("voter".equals(r.role())) {
                // a new voter first catches up as a listener; only then does it get a vote
                if (voters.containsKey(r.id()) || (listeners.containsKey(r.id()) && caughtUp(d, r.id()))) {
                    wantVoters.put(r.id(), peer);
                } else {
                    wantListeners.put(r.id(), peer);
                    waiting = true;
                }
            } else if ("replica".equals(r.role())) {
                wantListeners.put(r.id(), peer);
            }
        }
        if (waiting) {
            schedule(500);
        }
        if (wantVoters.isEmpty()) {
            LOG.error("the node registry would leave no voters; membership left unchanged");
            return;
        }
        if (wantVoters.keySet().equals(voters.keySet()) && wantListeners.keySet().equals(listeners.keySet())) {
            return;
        }
        LOG.info("membership: voters {} -> {}, replicas {} -> {}", voters.keySet(), wantVoters.keySet(),
                listeners.keySet(), wantListeners.keySet());
        RaftClientReply reply = node.client().admin().setConfiguration(new ArrayList<>(wantVoters.values()),
                new ArrayList<>(wantListeners.values()));
        if (!reply.isSuccess()) {
            throw new java.io.IOException(RaftNode.rootMessage(reply.getException()));
        }
        org.apache.ratis.server.impl.CscsLeaderShim.markMembersCaughtUp(d);
    }

    private static boolean listening(String raft) {
        try (java.net.Socket s = new java.net.Socket()) {
            HostPort hp = HostPort.parse(raft);
            s.connect(new java.net.InetSocketAddress(hp.socketHost(), hp.port()), 500);
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean caughtUp(RaftServer.Division d, String id) {
        long commit = d.getRaftLog().getLastCommittedIndex();
        for (CommitInfoProto c : d.getCommitInfos()) {
            if (c.getServer().getId().toStringUtf8().equals(id)) {
                return c.getCommitIndex() + CAUGHT_UP_SLACK >= commit;
            }
        }
        return false;
    }

    private static Map<String, RaftPeer> byId(java.util.Collection<RaftPeer> peers) {
        Map<String, RaftPeer> m = new LinkedHashMap<>();
        peers.forEach(p -> m.put(p.getId().toString(), p));
        return m;
    }
}
