package dev.cscs.store.raft;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.store.raft.ReplicationIT.nextFor;
import static dev.cscs.store.raft.ReplicationIT.submit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Signature;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.testing.TestKeys;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.StatusSigning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.junit.jupiter.api.Test;

/** Nodes restart from their own snapshots: a torn newest one falls back, and nothing is lost in a round trip. */
class SnapshotRecoveryIT extends ClusterFixture {
    /** The node's snapshot files, newest first. */
    private List<Path> snapshots(String node) {
        try (Stream<Path> files = Files.walk(dir.resolve(node))) {
            return files.filter(p -> SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> Long.compare(index(b), index(a))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long index(Path snapshot) {
        return SimpleStateMachineStorage.getTermIndexFromSnapshotFile(snapshot.toFile()).getIndex();
    }

    @Test
    void aTornNewestSnapshotFallsBackToThePreviousOneAndTheKeptLogWithTheSameChainHeads() throws Exception {
        cluster = new TestCluster(dir, Chains.genesis()).snapshotEvery(20).start(3);
        RaftNode leader = cluster.leader();
        for (int i = 0; i < 60; i++) {
            submit(leader, nextFor(leader.store(), "global", put("sysctl/k" + (i % 5), "{\"value\":\"" + i + "\"}")));
        }
        cluster.awaitAllApplied(leader.store().lastRevision());
        Eventually.await("n1 keeps two snapshots", TestCluster.DEADLINE, () -> snapshots("n1").size() == 2);
        Eventually.await("n1 purged some log", TestCluster.DEADLINE,
                () -> cluster.node("n1").division().getRaftLog().getStartIndex() > 0);
        Map<String, Head> before = cluster.node("n1").store().heads();
        List.of("n1", "n2", "n3").forEach(cluster::stop);

        List<Path> files = snapshots("n1");
        Path newest = files.get(0);
        long previous = index(files.get(1));
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2); // what a power cut before the fsync could leave
        }
        // alone, n1 has no leader to copy from: all it has is its previous snapshot and its own log
        RaftNode n1 = cluster.startNode("n1");

        assertThat(newest.resolveSibling(newest.getFileName() + SnapshotFiles.CORRUPT)).exists();
        assertThat(n1.machine().getLatestSnapshot().getIndex()).isEqualTo(previous);
        Eventually.await("n1 replayed its log", TestCluster.DEADLINE, () -> n1.store().heads().equals(before));
        List.of("n2", "n3").forEach(cluster::startNode);
        RaftNode again = cluster.leader();
        assertThat(submit(again, nextFor(again.store(), "global", put("sysctl/after", "{\"value\":\"1\"}"))).seq()).isEqualTo(61);
    }

    @Test
    void aNodeRestartsFromItsOwnSnapshotWithJoinedNodesUsedTokensAndVerifiedStatus() throws Exception {
        cluster = new TestCluster(dir, Chains.genesis()).snapshotEvery(10).start(3);
        RaftNode leader = cluster.leader();
        PrivateKeyRef key = TestKeys.named("n9", "ecdsa-p256");
        JoinToken token = JoinToken.issue("n9", "agent", List.of("global"), key.publicKey(), Instant.now(),
                Duration.ofHours(1), List.of(Chains.root()));
        leader.join(token, "", leader.nodeId()).join();
        var report = Chains.json("{\"node\":\"n9\",\"ok\":true}");
        SignatureAlg alg = SignatureAlg.ECDSA_P256_SHA256;
        leader.reportStatus("n9", report, Signature.of(key.keyid(), alg, Signer.sign(key, alg, StatusSigning.payload(report))))
                .join();
        long reported = leader.store().lastRevision();
        for (int i = 0; i < 12; i++) { // past Ratis' snapshot creation gap
            submit(leader, nextFor(leader.store(), "global", put("sysctl/k" + i, "{\"value\":\"1\"}")));
        }
        cluster.awaitAllApplied(leader.store().lastRevision());
        String id = cluster.follower().nodeId();
        cluster.node(id).snapshotNow();
        Eventually.await(id + " has a snapshot with the join and the status", TestCluster.DEADLINE,
                () -> cluster.node(id).machine().getLatestSnapshot().getIndex() >= reported);

        cluster.stop(id);
        RaftNode again = cluster.startNode(id);

        // entries up to the snapshot index are never replayed from the log: these came from the snapshot
        assertThat(again.machine().getLatestSnapshot().getIndex()).isGreaterThanOrEqualTo(reported);
        assertThat(again.store().nodes().get("n9").spki()).isEqualTo(key.publicKey().spkiBase64());
        assertThat(again.store().usedTokens()).containsExactly(token.id().hex());
        assertThat(again.store().statusVerified()).containsEntry("n9", true);
        assertThat(again.store().status().get("n9").report()).isEqualTo(report);
    }
}
