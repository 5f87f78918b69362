package dev.cscs.store.raft;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.store.raft.ReplicationIT.nextFor;
import static dev.cscs.store.raft.ReplicationIT.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.store.Alert;
import dev.cscs.store.LogEntry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An exception while applying, or a bad watcher, must not stop Raft (Ratis closes a server whose apply throws). */
class ApplyFailureIT extends ClusterFixture {
    private static boolean poisoned(LogEntry e) {
        return e instanceof LogEntry.Submit && ((LogEntry.Submit) e).changeset().body().ops().stream()
                .anyMatch(op -> op.key().equals("sysctl/poison"));
    }

    @Test
    void anUnexpectedExceptionInApplyBecomesTheSameAlertOnEveryReplicaAndTheClusterCarriesOn() {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        for (RaftNode n : cluster.nodes()) {
            // a different local message on each node: the alert must not depend on it
            n.machine().beforeApply(e -> {
                if (poisoned(e)) {
                    throw new IllegalStateException("bug seen on " + n.nodeId());
                }
            });
        }
        RaftNode leader = cluster.leader();

        assertThatThrownBy(() -> submit(leader, nextFor(leader.store(), "global", put("sysctl/poison", "{\"value\":\"1\"}"))))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));

        Eventually.await("an alert on every node", TestCluster.DEADLINE,
                () -> cluster.nodes().stream().allMatch(n -> n.store().alerts().size() == 1));
        Alert first = leader.store().alerts().get(0);
        assertThat(first.code()).isEqualTo("internal");
        assertThat(first.message()).contains("java.lang.IllegalStateException").doesNotContain("bug seen on");
        for (RaftNode n : cluster.nodes()) {
            assertThat(n.store().alerts()).containsExactly(first);
        }
        SubmitReply next = submit(leader, nextFor(leader.store(), "global", put("sysctl/a", "{\"value\":\"1\"}")));
        assertThat(next.seq()).isEqualTo(1);
        cluster.awaitAllApplied(next.revision());
    }

    @Test
    void aWatcherThatThrowsOnEveryDeliveryDoesNotStopAnyNode() {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        for (RaftNode n : cluster.nodes()) {
            n.store().subscribe(Set.of(), 0, d -> {
                throw new IllegalStateException("watcher bug");
            });
        }
        RaftNode leader = cluster.leader();

        SubmitReply last = null;
        for (int i = 0; i < 3; i++) {
            last = submit(leader, nextFor(leader.store(), "global", put("sysctl/k" + i, "{\"value\":\"1\"}")));
        }

        cluster.awaitAllApplied(last.revision());
        for (RaftNode n : cluster.nodes()) {
            assertThat(n.info().role()).isIn("leader", "follower");
            assertThat(n.store().head("global").seq()).isEqualTo(3);
        }
    }

    @Test
    void aBlockedWatcherDoesNotStopWritesFromCommitting() throws Exception {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (RaftNode n : cluster.nodes()) {
                n.store().subscribe(Set.of(), 0, d -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            RaftNode leader = cluster.leader();
            for (int i = 0; i < 5; i++) {
                var cs = nextFor(leader.store(), "global", new Op.Put("sysctl/k" + i, Chains.json("{\"value\":\"1\"}")));
                // inline delivery would hold the apply thread and this would never complete
                assertThat(leader.submit(cs, leader.nodeId()).get(TestCluster.DEADLINE.toSeconds(), TimeUnit.SECONDS).seq())
                        .isEqualTo(i + 1);
            }
        } finally {
            release.countDown();
        }
    }
}
