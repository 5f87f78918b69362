package dev.cscs.store;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Labels;
import dev.cscs.core.model.Op;
import dev.cscs.core.model.Signature;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.testing.TestKeys;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.StatusSigning;
import dev.cscs.core.trust.TrustPolicy;
import dev.cscs.store.raft.NodeRecord;
import org.junit.jupiter.api.Test;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

class ConfigStoreTest {
    private final Changeset genesis = Chains.genesis();

    private ConfigStore store(int history) {
        return new ConfigStore(genesis, ChangesetCodec.digest(genesis.body()), history);
    }

    private static Changeset next(ConfigStore s, String domain, Op... ops) {
        Head h = s.head(domain);
        return signed(Signing.unsigned(domain, h.seq() + 1, h.digest(), Chains.T0, List.of(ops), null),
                domain.equals("global") ? Chains.signerB() : Chains.signerA());
    }

    private static LogEntry.Submit submit(Changeset cs) {
        return new LogEntry.Submit("n1", "2026-11-29T16:00:00Z", cs);
    }

    @Test
    void putsAndDeletesFoldIntoTheCurrentValues() {
        ConfigStore s = store(100);
        s.apply(5, submit(next(s, "global", put("sysctl/a", "{\"value\":\"1\"}"), put("sysctl/b", "{\"value\":\"2\"}"))));
        s.apply(9, submit(next(s, "global", new Op.Delete("sysctl/a"))));

        assertThat(s.values("global")).containsOnlyKeys("sysctl/b");
        assertThat(s.values("global").get("sysctl/b").revision()).isEqualTo(5);
        assertThat(s.head("global").seq()).isEqualTo(2);
        assertThat(s.lastRevision()).isEqualTo(9);
    }

    @Test
    void aRejectedEntryChangesNothingButAnAlert() {
        ConfigStore s = store(100);
        Changeset cs = next(s, "global", put("sysctl/a", "{}"));
        s.apply(1, submit(cs));
        Outcome o = s.apply(2, submit(cs));

        assertThat(o).isInstanceOf(Outcome.Rejected.class);
        assertThat(s.allChangesets()).hasSize(2);
        assertThat(s.alerts()).singleElement().satisfies(a -> {
            assertThat(a.code()).isEqualTo("wrong-seq");
            assertThat(a.origin()).isEqualTo("n1");
            assertThat(a.revision()).isEqualTo(2);
        });
        assertThat(s.rejectionsByCode()).containsEntry("wrong-seq", 1L);
    }

    @Test
    void everyReplicaRefusesASignedValueTheConstraintsForbidEvenIfTheLeaderLetItIntoTheLog() {
        TrustPolicy guarded = PolicyBuilder.from(Chains.policy()).constraints("global",
                Chains.json("{\"sysctl\": {\"names\": [\"net.*\"]}}")).build();
        Changeset g = Signing.genesis(guarded, Chains.T0, List.of(Chains.root()), null);
        ConfigStore s = new ConfigStore(g, null, 100);
        Outcome o = s.apply(1, submit(next(s, "global", put("sysctl/kernel.modprobe", "{\"value\":\"/tmp/x\"}"))));

        assertThat(o).isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.reason().code()).isEqualTo(ErrorCode.CONSTRAINT));
        assertThat(s.values("global")).isEmpty();
        assertThat(s.alerts()).singleElement().satisfies(a -> {
            assertThat(a.code()).isEqualTo("constraint");
            assertThat(a.message()).contains("key sysctl/kernel.modprobe breaks constraint sysctl.names");
        });
    }

    @Test
    void aWatchResumesAfterTheLastRevisionItSaw() {
        ConfigStore s = store(100);
        s.apply(1, submit(next(s, "global", put("sysctl/a", "{}"))));
        s.apply(2, submit(next(s, "factory-a", put("sysctl/a", "{}"))));
        s.apply(3, submit(next(s, "global", put("sysctl/b", "{}"))));
        List<Delivery> got = new CopyOnWriteArrayList<>();

        try (Subscription sub = s.subscribe(Set.of("global"), 1, got::add)) {
            s.apply(4, submit(next(s, "global", put("sysctl/c", "{}"))));
            s.apply(5, submit(next(s, "factory-a", put("sysctl/b", "{}"))));
            // live deliveries run on a delivery thread, never on the one that applies
            Eventually.await("revision 4 delivered", Duration.ofSeconds(10), () -> got.size() == 2);
        }
        s.apply(6, submit(next(s, "global", put("sysctl/d", "{}"))));

        assertThat(got).allMatch(d -> d instanceof Delivery.Events);
        assertThat(got.stream().flatMap(d -> ((Delivery.Events) d).changesets().stream()).map(StoredChangeset::revision))
                .containsExactly(3L, 4L);
    }

    @Test
    void aWatchFromBeforeCompactedHistoryStartsWithTheFullVerifiedChains() {
        ConfigStore s = store(2);
        for (int i = 1; i <= 5; i++) {
            s.apply(i, submit(next(s, i % 2 == 0 ? "factory-a" : "global", put("sysctl/k" + i, "{}"))));
        }
        List<Delivery> got = new ArrayList<>();
        s.subscribe(Set.of("global"), 1, got::add);

        assertThat(got).singleElement().isInstanceOfSatisfying(Delivery.Snapshot.class, snap -> {
            assertThat(snap.revision()).isEqualTo(5);
            assertThat(snap.changesets()).extracting(StoredChangeset::domain).containsExactly("_trust", "global", "global", "global");
        });
        List<Delivery> recent = new ArrayList<>();
        s.subscribe(Set.of(), 4, recent::add);
        assertThat(recent).singleElement().isInstanceOf(Delivery.Events.class);
    }

    @Test
    void aSnapshotRoundTripsAndAnyDamageIsDetected() throws Exception {
        ConfigStore s = store(100);
        s.apply(1, submit(next(s, "global", put("sysctl/a", "{\"value\":\"1\"}"))));
        s.apply(2, new LogEntry.RecordAlert("n2", "2026-11-29T16:00:01Z", "malformed", "bad json", "sha256:x", 3));
        s.apply(3, new LogEntry.ReportStatus("n2", "2026-11-29T16:00:02Z", Chains.json("{\"ok\":true}"), null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotCodec.write(s, 1, 7, out);

        ConfigStore r = SnapshotCodec.read(new ByteArrayInputStream(out.toByteArray()), genesis, null, 100, 1, 7);
        assertThat(r.allChangesets()).extracting(StoredChangeset::digest).isEqualTo(
                s.allChangesets().stream().map(StoredChangeset::digest).toList());
        assertThat(r.lastRevision()).isEqualTo(7);
        assertThat(r.alerts()).isEqualTo(s.alerts());
        assertThat(r.status()).containsOnlyKeys("n2");

        byte[] damaged = out.toByteArray();
        damaged[damaged.length / 2] ^= 1;
        assertThatThrownBy(() -> SnapshotCodec.read(new ByteArrayInputStream(damaged), genesis, null, 100, 1, 7))
                .hasMessageContaining("checksum");
        byte[] truncated = Arrays.copyOf(out.toByteArray(), 40);
        assertThatThrownBy(() -> SnapshotCodec.read(new ByteArrayInputStream(truncated), genesis, null, 100, 1, 7))
                .hasMessageContaining("truncated");
    }

    @Test
    void logEntriesRoundTripAndUnknownTypesAreRejected() {
        ConfigStore s = store(100);
        LogEntry e = submit(next(s, "global", put("sysctl/a", "{}")));
        LogEntry back = LogEntryCodec.decode(LogEntryCodec.encode(e), Limits.DEFAULT);
        assertThat(ChangesetCodec.digest(((LogEntry.Submit) back).changeset().body()))
                .isEqualTo(ChangesetCodec.digest(((LogEntry.Submit) e).changeset().body()));
        assertThatThrownBy(() -> LogEntryCodec.decode("{\"type\":\"drop-table\"}".getBytes(), Limits.DEFAULT))
                .hasMessageContaining("unknown");
    }

    @Test
    void aNodesLabelsComeFromItsTokenUntilItsRegistryRecordNamesItsOwn() {
        ConfigStore s = store(100);
        var key = TestKeys.named("edge1", "ecdsa-p256");
        var token = JoinToken.issue("edge1", "agent", List.of("global"), Labels.parseArg("ring=canary,site=a", "labels"),
                key.publicKey(), Chains.T0, Duration.ofHours(1), List.of(Chains.root()));
        s.apply(1, new LogEntry.Join("n1", "2026-11-29T16:10:00Z", token, ""));
        assertThat(s.nodes().get("edge1").labels().toString()).isEqualTo("ring=canary,site=a");

        Head h = s.head("_nodes");
        s.apply(2, submit(signed(Signing.unsigned("_nodes", h.seq() + 1, h.digest(), Chains.T0,
                List.of(put("node/edge1", "{\"role\": \"agent\"}")), null), Chains.root())));
        assertThat(s.nodes().get("edge1").labels().toString()).as("a record without labels keeps the token's").isEqualTo("ring=canary,site=a");
        h = s.head("_nodes");
        s.apply(3, submit(signed(Signing.unsigned("_nodes", h.seq() + 1, h.digest(), Chains.T0,
                List.of(put("node/edge1", "{\"role\": \"agent\", \"labels\": {\"ring\": \"stable\"}}")), null), Chains.root())));
        assertThat(s.nodes().get("edge1").labels().toString()).isEqualTo("ring=stable");
        assertThat(s.nodes().get("edge1").role()).isEqualTo("agent");
        // what the leader checks before such a record reaches the log
        assertThatThrownBy(() -> NodeRecord.parse("edge1", Chains.json("{\"role\": \"agent\", \"labels\": {\"Ring\": \"x\"}}")))
                .hasMessageContaining("node/edge1.labels: label \"Ring\" is not a label name");
        assertThatThrownBy(() -> NodeRecord.parse("n9", Chains.json("{\"role\": \"voter\"}"))).hasMessageContaining("needs its raft address");
    }

    @Test
    void aJoinTokenIsUsedOnceBeforeItExpiresAndOnlyWithOperatorSignatures() {
        ConfigStore s = store(100);
        var nodeKey = TestKeys.named("n4", "ecdsa-p256");
        var token = JoinToken.issue("n4", "replica", List.of("global"), nodeKey.publicKey(), Chains.T0,
                Duration.ofHours(1), List.of(Chains.root()));

        assertThat(s.apply(1, new LogEntry.Join("n1", "2026-11-29T16:10:00Z", token, "127.0.0.1:7431")))
                .isInstanceOf(Outcome.Recorded.class);
        assertThat(s.nodes().get("n4").role()).isEqualTo("replica");
        assertThat(s.nodes().get("n4").raft()).isEqualTo("127.0.0.1:7431");

        Outcome replay = s.apply(2, new LogEntry.Join("n2", "2026-11-29T16:11:00Z", token, "127.0.0.1:7431"));
        assertThat(replay).isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.reason().getMessage()).contains("already used"));

        var late = JoinToken.issue("n5", "replica", List.of(), nodeKey.publicKey(), Chains.T0,
                Duration.ofMinutes(5), List.of(Chains.root()));
        assertThat(s.apply(3, new LogEntry.Join("n1", "2026-11-29T17:00:00Z", late, "127.0.0.1:7441")))
                .isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.reason().getMessage()).contains("expired"));

        var forged = JoinToken.issue("n6", "voter", List.of(), nodeKey.publicKey(), Chains.T0,
                Duration.ofHours(1), List.of(Chains.signerA()));
        assertThat(s.apply(4, new LogEntry.Join("n1", "2026-11-29T16:10:00Z", forged, "127.0.0.1:7451")))
                .isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.reason().getMessage()).contains("not an operator"));
        assertThat(s.nodes()).containsOnlyKeys("n4");
        assertThat(s.alerts()).extracting(Alert::code).containsExactly("bad-token", "bad-token", "bad-token");
    }

    @Test
    void aJoinedNodesStatusMustBeSignedByItsOwnKey() {
        ConfigStore s = store(100);
        var nodeKey = TestKeys.named("n4", "ecdsa-p256");
        var token = JoinToken.issue("n4", "agent", List.of("global"), nodeKey.publicKey(), Chains.T0,
                Duration.ofHours(1), List.of(Chains.root()));
        s.apply(1, new LogEntry.Join("n1", "2026-11-29T16:10:00Z", token, ""));
        var report = Chains.json("{\"node\":\"n4\",\"ok\":true}");
        var alg = SignatureAlg.ECDSA_P256_SHA256;
        var good = Signature.of(nodeKey.keyid(), alg,
                Signer.sign(nodeKey, alg, StatusSigning.payload(report)));
        var other = TestKeys.named("intruder", "ecdsa-p256");
        var bad = Signature.of(other.keyid(), alg,
                Signer.sign(other, alg, StatusSigning.payload(report)));

        assertThat(s.apply(2, new LogEntry.ReportStatus("n4", "2026-11-29T16:12:00Z", report, bad))).isInstanceOf(Outcome.Rejected.class);
        assertThat(s.apply(3, new LogEntry.ReportStatus("n4", "2026-11-29T16:12:00Z", report, null))).isInstanceOf(Outcome.Rejected.class);
        assertThat(s.status()).isEmpty();
        assertThat(s.apply(4, new LogEntry.ReportStatus("n4", "2026-11-29T16:12:00Z", report, good))).isInstanceOf(Outcome.Recorded.class);
        assertThat(s.statusVerified()).containsEntry("n4", true);
    }
    @Test
    void eachReportOfABatchIsCheckedAloneAndABadOneRefusesOnlyItself() {
        ConfigStore s = store(100);
        var nodeKey = TestKeys.named("n4", "ecdsa-p256");
        s.apply(1, new LogEntry.Join("n1", "2026-11-29T16:10:00Z", JoinToken.issue("n4", "agent",
                List.of("global"), nodeKey.publicKey(), Chains.T0, Duration.ofHours(1), List.of(Chains.root())), ""));
        var forged = Chains.json("{\"node\":\"n4\",\"ok\":false}");
        var honest = Chains.json("{\"node\":\"n9\",\"ok\":true}");

        Outcome o = s.apply(2, new LogEntry.ReportStatuses(List.of(new LogEntry.ReportStatus("n4", "2026-11-29T16:12:00Z", forged, null),
                new LogEntry.ReportStatus("n9", "2026-11-29T16:12:00Z", honest, null))));

        assertThat(o).isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.reason().getMessage()).contains("of n4"));
        assertThat(s.status()).containsOnlyKeys("n9");
        assertThat(s.alerts()).singleElement().satisfies(a -> assertThat(a.subject()).isEqualTo("status of n4"));
    }

    @Test
    void aBatchOfReportsRoundTripsThroughTheLogCodecAndABatchNamingANodeTwiceIsMalformed() {
        var r1 = new LogEntry.ReportStatus("n4", "2026-11-29T16:12:00Z", Chains.json("{\"node\":\"n4\"}"), null);
        var r2 = new LogEntry.ReportStatus("n5", "2026-11-29T16:12:01Z", Chains.json("{\"node\":\"n5\"}"), null);
        byte[] batch = LogEntryCodec.encode(new LogEntry.ReportStatuses(List.of(r1, r2)));

        assertThat(LogEntryCodec.decode(batch, Limits.DEFAULT)).isEqualTo(new LogEntry.ReportStatuses(List.of(r1, r2)));
        byte[] twice = LogEntryCodec.encode(new LogEntry.ReportStatuses(List.of(r1, r2, r1)));
        assertThatThrownBy(() -> LogEntryCodec.decode(twice, Limits.DEFAULT))
                .hasMessageContaining("$.reports[2] is a second report from node n4");
        byte[] empty = "{\"reports\":[],\"type\":\"statuses\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LogEntryCodec.decode(empty, Limits.DEFAULT)).hasMessageContaining("holds 0 reports");
    }
}
