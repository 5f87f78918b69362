package dev.cscs.store.raft;

import dev.cscs.store.NodeView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.impl.CscsLeaderShim;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the Raft configuration follow the {@code _nodes} registry, on the leader only, level-
 * triggered: after every registry change and every leader change it computes the desired
 * voters and listeners and, if they differ, sets them. Bootstrap peers the registry does not
 * name are left as they are. A replica becomes a voter only once it has caught up.
 *
 * <p>With {@code raft.autopilot} the registry still decides who is a member, but no longer who
 * votes: a member keeps the vote it has, a new one joins as a replica, and once a second (and after
 * every change) the {@link Autopilot} decides at most one step over a {@link MemberHealth} view.
 */
final class Membership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private final RaftNode node;
    private final Autopilot autopilot;
    private final MemberHealth health = new MemberHealth(Clock.systemUTC());
    private volatile Instant lastAction;
    private final Executor executor;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cscs-membership-retry");
        t.setDaemon(true);
        return t;
    });
    private volatile int seenRegistry;
    private final Set<String> awaited = ConcurrentHashMap.newKeySet();

    Membership(RaftNode node, Executor executor, AutopilotSettings autopilot) {
        this.node = node;
        this.executor = executor;
        this.autopilot = autopilot == null ? null : new Autopilot(autopilot);
        if (autopilot != null) {
            // time alone (a voter going silent) must wake the loop, not only registry and leader changes
            retries.scheduleWithFixedDelay(() -> executor.execute(this::tick), 1, 1, TimeUnit.SECONDS);
        }
    }

    void maybeReconcile() {
        int h = node.store().nodes().hashCode();
        if (h != seenRegistry) {
            seenRegistry = h;
            schedule(0);
        }
    }

    void leaderChanged() {
        // a new leader first watches for a full interval: its silence clocks start now
        lastAction = health.now();
        health.reset();
        schedule(0);
    }

    private void schedule(long delayMs) {
        Runnable task = () -> executor.execute(this::reconcileSafely);
        if (delayMs == 0) {
            task.run();
        } else {
            try {
                retries.schedule(task, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
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

    /** The autopilot's clock: a reconcile on the leader; elsewhere, or before the group runs, nothing. */
    private void tick() {
        try {
            if (!node.division().getInfo().isLeader()) {
                return;
            }
        } catch (RuntimeException e) {
            return;
        }
        reconcileSafely();
    }

    private void reconcileSafely() {
        try {
            reconcile();
        } catch (RuntimeException | IOException e) {
            LOG.warn("membership change failed, retrying: {}", RaftNode.rootMessage(e));
            schedule(1000);
        }
    }

    private void reconcile() throws IOException {
        RaftServer.Division d = node.division();
        if (!d.getInfo().isLeader()) {
            return;
        }
        int healed = CscsLeaderShim.markMembersCaughtUp(d);
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
            if (autopilot != null) {
                // the vote is the autopilot's: a member keeps the one it has, a new one joins without
                (voters.containsKey(r.id()) ? wantVoters : wantListeners).put(r.id(), peer);
            } else if ("voter".equals(r.role())) {
                // a new voter first catches up as a listener; only then does it get a vote
                if (voters.containsKey(r.id()) || (listeners.containsKey(r.id()) && MemberHealth.caughtUp(d, r.id()))) {
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
            if (autopilot != null) {
                steer(d, voters, listeners);
            }
            return;
        }
        LOG.info("membership: voters {} -> {}, replicas {} -> {}", voters.keySet(), wantVoters.keySet(),
                listeners.keySet(), wantListeners.keySet());
        setConfiguration(d, wantVoters, wantListeners);
    }

    /** One autopilot step, if the view calls for one: carried out, logged and sent as an alert. */
    private void steer(RaftServer.Division d, Map<String, RaftPeer> voters, Map<String, RaftPeer> listeners)
            throws IOException {
        Autopilot.View view = health.view(d, node.store().nodes(), lastAction);
        Autopilot.Step step = autopilot.decide(view).orElse(null);
        if (step == null) {
            return;
        }
        Map<String, RaftPeer> wantVoters = new LinkedHashMap<>(voters);
        Map<String, RaftPeer> wantListeners = new LinkedHashMap<>(listeners);
        switch (step.action()) {
            case REPLACE:
                wantListeners.put(step.inPlaceOf(), wantVoters.remove(step.inPlaceOf()));
                wantVoters.put(step.member(), wantListeners.remove(step.member()));
                break;
            case PROMOTE:
                wantVoters.put(step.member(), wantListeners.remove(step.member()));
                break;
            case DEMOTE:
                wantListeners.put(step.member(), wantVoters.remove(step.member()));
                break;
            default:
                wantListeners.remove(step.member());
        }
        lastAction = view.now();
        setConfiguration(d, wantVoters, wantListeners);
        step.notes().forEach((member, note) -> {
            LOG.warn("autopilot: {}", note);
            node.recordAutopilot(member, note);
        });
    }

    private void setConfiguration(RaftServer.Division d, Map<String, RaftPeer> voters, Map<String, RaftPeer> listeners)
            throws IOException {
        RaftClientReply reply = node.client().admin().setConfiguration(new ArrayList<>(voters.values()),
                new ArrayList<>(listeners.values()));
        if (!reply.isSuccess()) {
            throw new IOException(RaftNode.rootMessage(reply.getException()));
        }
        CscsLeaderShim.markMembersCaughtUp(d);
    }

    private static boolean listening(String raft) {
        try (Socket s = new Socket()) {
            HostPort hp = HostPort.parse(raft);
            s.connect(new InetSocketAddress(hp.socketHost(), hp.port()), 500);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Map<String, RaftPeer> byId(Collection<RaftPeer> peers) {
        Map<String, RaftPeer> m = new LinkedHashMap<>();
        peers.forEach(p -> m.put(p.getId().toString(), p));
        return m;
    }
}
