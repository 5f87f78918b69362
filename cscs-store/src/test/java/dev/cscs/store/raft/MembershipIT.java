package dev.cscs.store.raft;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static dev.cscs.store.raft.ReplicationIT.nextFor;
import static dev.cscs.store.raft.ReplicationIT.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.testing.Eventually;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

/** Membership follows the signed node registry; snapshots let a new node catch up after the log was truncated. */
class MembershipIT extends ClusterFixture {
    private SubmitReply registry(RaftNode via, String id, String role) {
        Head h = via.store().head("_nodes");
        String raft = role.equals("removed") ? "" : ",\"raft\":\"" + cluster.peer(id).address() + "\"";
        Changeset cs = signed(Signing.unsigned("_nodes", h.seq() + 1, h.digest(), Chains.T0,
                List.of(put("node/" + id, "{\"role\":\"" + role + "\"" + raft + "}")), null), Chains.root());
        return submit(via, cs);
    }

    private static String roles(RaftNode n) {
        return n.members().stream().map(m -> m.id() + ":" + m.role()).sorted().collect(Collectors.joining(","));
    }

    @Test
    void aReplicaIsAddedPromotedAndAVoterRemoved() {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode leader = cluster.leader();
        submit(leader, nextFor(leader.store(), "global", put("sysctl/a", "{\"value\":\"1\"}")));

        RaftNode n4 = cluster.addReplica("n4");
        registry(leader, "n4", "replica");
        Eventually.await("n4 is a replica", TestCluster.DEADLINE, () -> roles(cluster.leader()).contains("n4:replica"));
        Eventually.await("n4 caught up", TestCluster.DEADLINE, () -> n4.store().head("global").seq() == 1);
        assertThat(n4.info().role()).isEqualTo("listener");

        registry(cluster.leader(), "n4", "voter");
        Eventually.await("n4 is a voter", TestCluster.DEADLINE, () -> roles(cluster.leader()).contains("n4:voter"));

        String victim = cluster.follower().nodeId().equals("n4") ? "n2" : cluster.follower().nodeId();
        registry(cluster.leader(), victim, "removed");
        Eventually.await(victim + " is removed", TestCluster.DEADLINE, () -> !roles(cluster.leader()).contains(victim + ":"));
        cluster.stop(victim);

        RaftNode leaderNow = cluster.leader();
        SubmitReply r = submit(leaderNow, nextFor(leaderNow.store(), "global", put("sysctl/a", "{\"value\":\"2\"}")));
        Eventually.await("n4 applied the write", TestCluster.DEADLINE, () -> n4.store().lastRevision() >= r.revision());
        assertThat(roles(leaderNow).split(",")).hasSize(3);
    }

    @Test
    void aDeadReplicaDoesNotBlockTheNextMemberAndStillGetsTheLogWhenItReturns() {
        // Ratis 3.3.0 never marks a listener it staged as caught up (see CscsLeaderShim): without the
        // workaround, n5's staging waits on the dead n4, fails NOPROGRESS, and n4 loses its appender.
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        cluster.addReplica("n4");
        registry(cluster.leader(), "n4", "replica");
        Eventually.await("n4 is a replica", TestCluster.DEADLINE, () -> roles(cluster.leader()).contains("n4:replica"));
        String leaderBefore = cluster.leader().nodeId();
        cluster.stop("n4");

        cluster.addReplica("n5");
        registry(cluster.leader(), "n5", "replica");
        Eventually.await("n5 is a replica", TestCluster.DEADLINE, () -> roles(cluster.leader()).contains("n5:replica"));
        assertThat(cluster.leader().nodeId()).as("the same leader staged both").isEqualTo(leaderBefore);

        RaftNode n4 = cluster.startNode("n4");
        RaftNode leader = cluster.leader();
        SubmitReply r = submit(leader, nextFor(leader.store(), "global", put("sysctl/a", "{\"value\":\"3\"}")));
        Eventually.await("n4 applied the write after coming back", TestCluster.DEADLINE, () -> n4.store().lastRevision() >= r.revision());
    }

    @Test
    void everyNodeStillWritesWhenAJoinedVoterLeadsAfterABootstrapVoterWasRemoved() {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        cluster.addReplica("n4");
        registry(cluster.leader(), "n4", "voter");
        Eventually.await("n4 is a voter", TestCluster.DEADLINE, () -> roles(cluster.leader()).contains("n4:voter"));
        String removed = cluster.follower().nodeId().equals("n4") ? "n2" : cluster.follower().nodeId();
        registry(cluster.leader(), removed, "removed");
        Eventually.await(removed + " is removed", TestCluster.DEADLINE, () -> !roles(cluster.leader()).contains(removed + ":"));
        cluster.stop(removed);
        // move the leadership until n4, a voter no bootstrap client was built with, leads
        for (int i = 0; i < 5 && !cluster.leader().nodeId().equals("n4"); i++) {
            RaftNode leader = cluster.leader();
            try {
                leader.client().admin().transferLeadership(RaftPeerId.valueOf("n4"), 10_000);
            } catch (IOException e) {
                // retried: the transfer can lose a race with an election
            }
        }
        assertThat(cluster.leader().nodeId()).isEqualTo("n4");
        for (RaftNode n : cluster.nodes()) {
            SubmitReply r = submit(n, nextFor(n.store(), "global", put("sysctl/via", "{\"value\":\"" + n.nodeId() + "\"}")));
            assertThat(r.revision()).as("a write through " + n.nodeId()).isPositive();
            cluster.awaitAllApplied(r.revision());
        }
    }

    @Test
    void aNewNodeCatchesUpFromASnapshotAfterTheLogWasTruncated() throws Exception {
        cluster = new TestCluster(dir, Chains.genesis()).snapshotEvery(20).start(3);
        RaftNode leader = cluster.leader();
        // past the log each node keeps behind its snapshots (two intervals: RaftNode's purge preservation)
        for (int i = 0; i < 80; i++) {
            submit(leader, nextFor(leader.store(), "global", put("sysctl/k" + (i % 7), "{\"value\":\"" + i + "\"}")));
        }
        for (RaftNode n : cluster.nodes()) {
            n.snapshotNow();
        }
        Eventually.await("the leader's log was purged up to its snapshot", TestCluster.DEADLINE,
                () -> cluster.leader().division().getRaftLog().getStartIndex() > 10);

        RaftNode n4 = cluster.addReplica("n4");
        registry(cluster.leader(), "n4", "replica");

        long registered = cluster.leader().store().lastRevision();
        Eventually.await("n4 has every changeset", TestCluster.DEADLINE, () -> n4.store().lastRevision() >= registered);
        assertThat(n4.store().head("global").seq()).isEqualTo(80);
        var mine = n4.store().allChangesets();
        var theirs = cluster.leader().store().allChangesets();
        assertThat(mine).hasSameSizeAs(theirs);
        for (int i = 0; i < mine.size(); i++) {
            assertThat(mine.get(i).revision()).as("revision of #" + i).isEqualTo(theirs.get(i).revision());
            assertThat(mine.get(i).digest()).as("digest of #" + i).isEqualTo(theirs.get(i).digest());
        }
        assertThat(n4.store().values("global")).isEqualTo(cluster.leader().store().values("global"));
    }

    @Test
    void theRegistryIsOnlyWrittenWithOperatorSignatures() {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode leader = cluster.leader();
        Head h = leader.store().head("_nodes");
        Changeset forged = signed(Signing.unsigned("_nodes", h.seq() + 1, h.digest(), Chains.T0,
                List.of(new Op.Put("node/evil", Chains.json("{\"role\":\"voter\",\"raft\":\"127.0.0.1:1\"}"))), null), Chains.signerA());
        assertThatThrownBy(() -> submit(leader, forged))
                .hasMessageContaining("node registry");
        assertThat(roles(leader)).doesNotContain("evil");
    }
}
