package dev.cscs.store;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.trust.Signing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
    void aWatchResumesAfterTheLastRevisionItSaw() {
        ConfigStore s = store(100);
        s.apply(1, submit(next(s, "global", put("sysctl/a", "{}"))));
        s.apply(2, submit(next(s, "factory-a", put("sysctl/a", "{}"))));
        s.apply(3, submit(next(s, "global", put("sysctl/b", "{}"))));
        List<Delivery> got = new ArrayList<>();

        try (Subscription sub = s.subscribe(Set.of("global"), 1, got::add)) {
            s.apply(4, submit(next(s, "global", put("sysctl/c", "{}"))));
            s.apply(5, submit(next(s, "factory-a", put("sysctl/b", "{}"))));
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
        s.apply(3, new LogEntry.ReportStatus("n2", "2026-11-29T16:00:02Z", Chains.json("{\"ok\":true}")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotCodec.write(s, 1, 7, out);

        ConfigStore r = SnapshotCodec.read(new ByteArrayInputStream(out.toByteArray()), genesis, null, 100);
        assertThat(r.allChangesets()).extracting(StoredChangeset::digest).isEqualTo(
                s.allChangesets().stream().map(StoredChangeset::digest).toList());
        assertThat(r.lastRevision()).isEqualTo(7);
        assertThat(r.alerts()).isEqualTo(s.alerts());
        assertThat(r.status()).containsOnlyKeys("n2");

        byte[] damaged = out.toByteArray();
        damaged[damaged.length / 2] ^= 1;
        assertThatThrownBy(() -> SnapshotCodec.read(new ByteArrayInputStream(damaged), genesis, null, 100))
                .hasMessageContaining("checksum");
        byte[] truncated = java.util.Arrays.copyOf(out.toByteArray(), 40);
        assertThatThrownBy(() -> SnapshotCodec.read(new ByteArrayInputStream(truncated), genesis, null, 100))
                .hasMessageContaining("truncated");
    }

    @Test
    void logEntriesRoundTripAndUnknownTypesAreRejected() {
        ConfigStore s = store(100);
        LogEntry e = submit(next(s, "global", put("sysctl/a", "{}")));
        LogEntry back = LogEntryCodec.decode(LogEntryCodec.encode(e), dev.cscs.core.json.Limits.DEFAULT);
        assertThat(ChangesetCodec.digest(((LogEntry.Submit) back).changeset().body()))
                .isEqualTo(ChangesetCodec.digest(((LogEntry.Submit) e).changeset().body()));
        assertThatThrownBy(() -> LogEntryCodec.decode("{\"type\":\"drop-table\"}".getBytes(), dev.cscs.core.json.Limits.DEFAULT))
                .hasMessageContaining("unknown");
    }
}
