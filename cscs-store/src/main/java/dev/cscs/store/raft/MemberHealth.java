package dev.cscs.store.raft;

import dev.cscs.store.NodeView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;

/**
 * What the leader knows of each member's health, as an {@link Autopilot.View}: the time since the
 * member last answered the leader (Ratis' follower info: the leader's log appender's last RPC
 * response), how long it has answered without a break (tracked here, from one look to the next),
 * and whether it has caught up. A new leader's appenders start their clocks when it is elected, so
 * silence is only ever counted from what this leader saw itself.
 */
final class MemberHealth {
    /** How close (in log entries) a member must be to the commit index to count as caught up. */
    static final long CAUGHT_UP_SLACK = 16;

    private static final Duration JUST_ADDED = AutopilotSettings.LIVE_WITHIN.plusMillis(1);
    private final Clock clock;
    private final Map<String, Instant> liveSince = new ConcurrentHashMap<>();

    MemberHealth(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** Forgets the unbroken-contact history: a new leader starts from what it sees itself. */
    void reset() {
        liveSince.clear();
    }

    Autopilot.View view(RaftServer.Division d, Map<String, NodeView> registry, Instant lastAction) {
        Instant now = clock.instant();
        RaftConfiguration conf = d.getRaftConf();
        Map<String, Duration> silent = silence(d.getInfo().getRoleInfoProto());
        String self = d.getId().toString();
        long commit = d.getRaftLog().getLastCommittedIndex();
        Map<String, Long> acknowledged = new HashMap<>();
        for (CommitInfoProto c : d.getCommitInfos()) {
            acknowledged.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex());
        }
        List<Autopilot.Member> members = new ArrayList<>();
        add(members, conf.getCurrentPeers(RaftPeerRole.FOLLOWER), Autopilot.Vote.VOTER, self, silent, acknowledged, commit,
                registry, now);
        add(members, conf.getCurrentPeers(RaftPeerRole.LISTENER), Autopilot.Vote.LISTENER, self, silent, acknowledged, commit,
                registry, now);
        liveSince.keySet().retainAll(members.stream().map(Autopilot.Member::id).collect(Collectors.toSet()));
        boolean stable = conf.getPreviousPeers(RaftPeerRole.FOLLOWER).isEmpty() && conf.getLogEntryIndex() <= commit;
        return new Autopilot.View(now, stable, lastAction, members);
    }

    private void add(List<Autopilot.Member> out, Collection<RaftPeer> peers, Autopilot.Vote vote, String self,
                     Map<String, Duration> silent, Map<String, Long> acknowledged, long commit, Map<String, NodeView> registry,
                     Instant now) {
        for (RaftPeer p : peers) {
            String id = p.getId().toString();
            boolean isSelf = id.equals(self);
            // a member without a log appender yet (just added) is not live, but it has not been silent long either
            Duration quiet = isSelf ? Duration.ZERO : silent.getOrDefault(id, JUST_ADDED);
            long ack = isSelf ? commit : acknowledged.getOrDefault(id, -1L);
            boolean caughtUp = ack >= 0 && ack + CAUGHT_UP_SLACK >= commit;
            Autopilot.Member m = new Autopilot.Member(id, vote, registered(registry.get(id)), quiet, Duration.ZERO, caughtUp,
                    ack, isSelf);
            if (m.live()) {
                Duration up = Duration.between(liveSince.computeIfAbsent(id, k -> now), now);
                m = new Autopilot.Member(id, vote, m.registered(), quiet, up, caughtUp, ack, isSelf);
            } else {
                liveSince.remove(id);
            }
            out.add(m);
        }
    }

    private static Autopilot.Registered registered(NodeView n) {
        if (n == null || n.raft() == null || n.raft().isEmpty()) {
            return Autopilot.Registered.NONE;
        }
        switch (n.role()) {
            case "voter": return Autopilot.Registered.VOTER;
            case "replica": return Autopilot.Registered.REPLICA;
            default: return Autopilot.Registered.NONE;
        }
    }

    private static Map<String, Duration> silence(RoleInfoProto role) {
        Map<String, Duration> out = new HashMap<>();
        if (role.hasLeaderInfo()) {
            for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                out.put(f.getId().getId().toStringUtf8(), Duration.ofMillis(Math.max(0, f.getLastRpcElapsedTimeMs())));
            }
        }
        return out;
    }

    /** Whether {@code id} has acknowledged the log up to within {@link #CAUGHT_UP_SLACK} of the commit index. */
    static boolean caughtUp(RaftServer.Division d, String id) {
        long commit = d.getRaftLog().getLastCommittedIndex();
        for (CommitInfoProto c : d.getCommitInfos()) {
            if (c.getServer().getId().toStringUtf8().equals(id)) {
                return c.getCommitIndex() + CAUGHT_UP_SLACK >= commit;
            }
        }
        return false;
    }
}
