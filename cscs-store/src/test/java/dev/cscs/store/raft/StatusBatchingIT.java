package dev.cscs.store.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A fleet's burst of status reports through real Raft: every report is recorded on every node,
 * in a handful of log entries rather than one each, and a node restarted from its snapshot
 * still has them all.
 */
class StatusBatchingIT extends ClusterFixture {
    private static final int DEVICES = 300;

    @Test
    void aBurstOfReportsIsRecordedEverywhereInAFewEntriesAndSurvivesASnapshotRestart() throws Exception {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode via = cluster.follower();
        long before = cluster.leader().store().lastRevision();

        List<CompletableFuture<Long>> answers = IntStream.range(0, DEVICES).mapToObj(i -> via.reportStatus("d" + i,
                Chains.json("{\"node\":\"d" + i + "\",\"applied\":{\"global\":7}}"), null)).toList();
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get();

        RaftNode.StatusCounts counts = via.statusCounts();
        long grown = cluster.leader().store().lastRevision() - before;
        System.out.printf("%d status reports through %s: %d entries proposed; the log grew by %d%n", DEVICES, via.nodeId(),
                counts.entries(), grown);
        assertThat(counts.reports()).isEqualTo(DEVICES);
        assertThat(counts.entries()).as("log entries for %d reports", DEVICES).isBetween(1L, DEVICES / 10L);
        assertThat(grown).as("the log's growth (with Ratis' own entries)").isLessThan(DEVICES / 10L);
        cluster.awaitAllApplied(cluster.leader().store().lastRevision());
        for (RaftNode n : cluster.nodes()) {
            assertThat(n.store().status()).as(n.nodeId()).hasSize(DEVICES);
        }

        String id = via.nodeId();
        cluster.node(id).snapshotNow();
        cluster.stop(id);
        RaftNode again = cluster.startNode(id);
        Eventually.await(id + " restored every report", TestCluster.DEADLINE, () -> again.store().status().size() == DEVICES);
        assertThat(again.store().status().get("d299").report().path("applied").path("global").asInt()).isEqualTo(7);
    }
}
