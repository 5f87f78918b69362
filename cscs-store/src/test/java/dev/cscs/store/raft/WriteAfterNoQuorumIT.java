package dev.cscs.store.raft;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node must write again once a quorum is back, however long it was gone. Ratis' ordered
 * client keeps the failure of a write that ran out of retries and fails every later one at
 * once; before {@link RaftClients} renewed it, a node was left refusing every write until it
 * restarted (found by `bench/run fleet 300`: a survivor of a server restart, for as long as it
 * was watched).
 */
class WriteAfterNoQuorumIT extends ClusterFixture {
    @Test
    void aNodeWhoseWriteRanOutOfRetriesWithoutAQuorumWritesAgainOnceTheQuorumIsBack() {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode survivor = cluster.follower();
        List<String> others = cluster.nodes().stream().map(RaftNode::nodeId).filter(id -> !id.equals(survivor.nodeId())).toList();
        others.forEach(cluster::stop);

        assertThatThrownBy(() -> ReplicationIT.submit(survivor,
                ReplicationIT.nextFor(survivor.store(), "global", put("sysctl/a", "{\"value\":\"no quorum\"}"))))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));

        others.forEach(cluster::startNode);
        // an attempt whose answer was lost may have landed: the head says so, and the next would conflict
        Eventually.await("a write through " + survivor.nodeId() + " once the quorum is back", TestCluster.DEADLINE,
                () -> survivor.store().head("global").seq() == 1 || ReplicationIT.submit(survivor,
                        ReplicationIT.nextFor(survivor.store(), "global", put("sysctl/a", "{\"value\":\"quorum\"}"))).seq() == 1);
        survivor.barrier(TestCluster.DEADLINE);
        assertThat(survivor.store().values("global").get("sysctl/a").value().path("value").asText()).isEqualTo("quorum");
    }
}
