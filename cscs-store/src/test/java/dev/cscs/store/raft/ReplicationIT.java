package dev.cscs.store.raft;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.Signing;
import dev.cscs.store.Alert;
import dev.cscs.store.ConfigStore;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.json.Limits;
import dev.cscs.store.LogEntry;
import dev.cscs.store.LogEntryCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.raftlog.RaftLog;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Three nodes in one JVM on loopback: replication, failover, restart, rejection. */
class ReplicationIT extends ClusterFixture {
    static Changeset nextFor(ConfigStore store, String domain, Op... ops) {
        Head h = store.head(domain);
        return signed(Signing.unsigned(domain, h.seq() + 1, h.digest(), Chains.T0, List.of(ops), null),
                "global".equals(domain) ? Chains.signerB() : Chains.signerA());
    }

    static SubmitReply submit(RaftNode via, Changeset cs) {
        try {
            return via.submit(cs, via.nodeId()).join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    @Test
    void aWriteThroughAFollowerIsReadableFromAllNodes() {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode follower = cluster.follower();

        SubmitReply r = submit(follower, nextFor(follower.store(), "global", put("sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}")));

        assertThat(r.seq()).isEqualTo(1);
        cluster.awaitAllApplied(r.revision());
        for (RaftNode n : cluster.nodes()) {
            n.barrier(TestCluster.DEADLINE);
            assertThat(n.store().values("global").get("sysctl/net.ipv4.ip_forward").value().path("value").asText()).isEqualTo("0");
            assertThat(n.store().head("global")).isEqualTo(new Head(1, r.digest()));
        }
    }

    @Test
    void killingTheLeaderElectsANewOneAndWritesContinue() {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode leader = cluster.leader();
        submit(leader, nextFor(leader.store(), "global", put("sysctl/a", "{\"value\":\"1\"}")));
        String old = leader.nodeId();

        cluster.stop(old);
        RaftNode next = cluster.leader();

        assertThat(next.nodeId()).isNotEqualTo(old);
        SubmitReply r = submit(next, nextFor(next.store(), "global", put("sysctl/a", "{\"value\":\"2\"}")));
        assertThat(r.seq()).isEqualTo(2);

        cluster.startNode(old);
        cluster.awaitAllApplied(r.revision());
        assertThat(cluster.node(old).store().head("global")).isEqualTo(next.store().head("global"));
    }

    @Test
    void aFullRestartKeepsTheStateAndTheChainsIntact() {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode leader = cluster.leader();
        for (int i = 0; i < 5; i++) {
            submit(leader, nextFor(leader.store(), "global", put("sysctl/k" + i, "{\"value\":\"" + i + "\"}")));
        }
        var before = leader.store().allChangesets();
        List.of("n1", "n2", "n3").forEach(cluster::stop);

        List.of("n1", "n2", "n3").forEach(cluster::startNode);
        cluster.awaitAllApplied(before.get(before.size() - 1).revision());

        for (RaftNode n : cluster.nodes()) {
            assertThat(n.store().allChangesets()).isEqualTo(before);
            assertThat(n.store().values("global")).hasSize(5);
        }
        RaftNode again = cluster.leader();
        assertThat(submit(again, nextFor(again.store(), "global", put("sysctl/k9", "{\"value\":\"9\"}"))).seq()).isEqualTo(6);
    }

    @Test
    void invalidChangesetsNeverReachTheLogAndLeaveAnAlert() throws Exception {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode leader = cluster.leader();
        Changeset good = nextFor(leader.store(), "global", put("sysctl/a", "{\"value\":\"1\"}"));
        submit(leader, good);
        long revisionAfterGood = leader.store().lastRevision();

        assertThatThrownBy(() -> submit(cluster.follower(), good))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_SEQ));
        Changeset wrongSigner = signed(new Changeset(nextFor(leader.store(), "global", new Op.Delete("sysctl/a")).body(),
                List.of()), Chains.signerA());
        assertThatThrownBy(() -> submit(leader, wrongSigner))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED_KEY));

        Eventually.await("two alerts on every node", TestCluster.DEADLINE,
                () -> cluster.nodes().stream().allMatch(n -> n.store().alerts().size() == 2));
        for (RaftNode n : cluster.nodes()) {
            assertThat(n.store().alerts()).extracting(Alert::code).containsExactly("wrong-seq", "unauthorized-key");
            assertThat(n.store().allChangesets()).hasSize(2);
            assertThat(n.store().head("global").seq()).isEqualTo(1);
            // the apply-side check would give the same codes: only the log itself shows the leader refused them
            assertThat(logged(n)).filteredOn(e -> e instanceof LogEntry.Submit).as("submit entries in the log of " + n.nodeId())
                    .singleElement().satisfies(e -> assertThat(ChangesetCodec.digest(((LogEntry.Submit) e).changeset().body()))
                            .isEqualTo(ChangesetCodec.digest(good.body())));
            assertThat(logged(n)).filteredOn(e -> e instanceof LogEntry.RecordAlert).hasSize(2);
        }
        assertThat(leader.store().alerts().get(0).revision()).isGreaterThan(revisionAfterGood);
    }

    /** Every CSCS entry in the node's Raft log (Ratis' own configuration and metadata entries left out). */
    static List<LogEntry> logged(RaftNode n) throws Exception {
        RaftLog log = n.division().getRaftLog();
        List<LogEntry> out = new ArrayList<>();
        for (long i = log.getStartIndex(); i <= log.getLastEntryTermIndex().getIndex(); i++) {
            LogEntryProto p = log.get(i);
            if (p != null && p.hasStateMachineLogEntry()) {
                out.add(LogEntryCodec.decode(p.getStateMachineLogEntry().getLogData().toByteArray(), Limits.PROTOCOL_MAX));
            }
        }
        return out;
    }

    @Test
    void aDefaultReadThroughAFollowerThatIsBehindWaitsOrFailsButNeverReturnsTheStaleValue() throws Exception {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode leader = cluster.leader();
        submit(leader, nextFor(leader.store(), "global", put("sysctl/a", "{\"value\":\"old\"}")));
        cluster.awaitAllApplied(leader.store().lastRevision());
        RaftNode behind = cluster.follower();
        CountDownLatch release = new CountDownLatch(1);
        behind.machine().beforeApply(e -> {
            if (e instanceof LogEntry.Submit) {
                try {
                    release.await();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            // commits with the leader and the other follower; the held-back one has it in its log, not applied
            submit(leader, nextFor(leader.store(), "global", put("sysctl/a", "{\"value\":\"new\"}")));
            assertThat(value(behind)).isEqualTo("old");

            assertThatThrownBy(() -> behind.barrier(Duration.ofSeconds(2)))
                    .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));

            release.countDown();
            behind.barrier(TestCluster.DEADLINE);
            assertThat(value(behind)).isEqualTo("new");
        } finally {
            release.countDown();
        }
    }

    private static String value(RaftNode n) {
        return n.store().values("global").get("sysctl/a").value().path("value").asText();
    }

    @Test
    void racingSubmissionsForTheSameSeqLeaveOneInTheChain() {
        cluster = new TestCluster(dir, Chains.genesis()).start(3);
        RaftNode leader = cluster.leader();
        Changeset a = nextFor(leader.store(), "global", put("sysctl/a", "{\"value\":\"a\"}"));
        Changeset b = nextFor(leader.store(), "global", put("sysctl/a", "{\"value\":\"b\"}"));

        var fa = leader.submit(a, "n1");
        var fb = leader.submit(b, "n1");
        int ok = 0;
        for (var f : List.of(fa, fb)) {
            try {
                f.join();
                ok++;
            } catch (CompletionException e) {
                assertThat(((CscsException) e.getCause()).code()).isIn(ErrorCode.WRONG_SEQ, ErrorCode.WRONG_PREV);
            }
        }
        assertThat(ok).isEqualTo(1);
        assertThat(leader.store().head("global").seq()).isEqualTo(1);
    }
}
