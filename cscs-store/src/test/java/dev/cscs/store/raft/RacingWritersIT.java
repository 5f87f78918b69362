package dev.cscs.store.raft;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.store.raft.ReplicationIT.nextFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.testing.Chains;
import dev.cscs.store.LogEntry;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Writers racing for the same seq through different nodes: the leader's speculation refuses all
 * but one before the log. It used to be dropped whenever Ratis cancelled a refused submission,
 * and then the next racer reached the log, to be rejected on apply by every replica.
 */
class RacingWritersIT extends ClusterFixture {
    @Test
    void submissionsRacingForOneSeqReachTheLogOnlyOnce() throws Exception {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode leader = cluster.leader();
        ConcurrentLinkedQueue<String> inLogButRefused = new ConcurrentLinkedQueue<>();
        for (RaftNode n : cluster.nodes()) {
            n.machine().beforeApply(e -> {
                // what the apply is about to reject
                if (e instanceof LogEntry.Submit && n == leader) {
                    try {
                        n.store().chainState().check(((LogEntry.Submit) e).changeset());
                    } catch (RuntimeException ex) {
                        inLogButRefused.add(ex.getMessage());
                    }
                }
            });
        }
        List<RaftNode> nodes = cluster.nodes();
        AtomicInteger accepted = new AtomicInteger();
        Thread[] writers = new Thread[4];
        for (int w = 0; w < writers.length; w++) {
            Random rnd = new Random(w);
            int id = w;
            writers[w] = new Thread(() -> {
                for (int i = 0; i < 60; i++) {
                    RaftNode via = nodes.get(rnd.nextInt(nodes.size()));
                    var cs = nextFor(nodes.get(rnd.nextInt(nodes.size())).store(), "global", put("sysctl/k", "{\"value\":\"" + id + "-" + i + "\"}"));
                    try {
                        via.submit(cs, via.nodeId()).get(10, TimeUnit.SECONDS);
                        accepted.incrementAndGet();
                    } catch (Exception e) {
                        // refused: the race was lost
                    }
                }
            });
            writers[w].start();
        }
        for (Thread t : writers) {
            t.join(120_000);
        }
        assertThat(accepted.get()).isPositive();
        assertThat(inLogButRefused).isEmpty();
    }
}
