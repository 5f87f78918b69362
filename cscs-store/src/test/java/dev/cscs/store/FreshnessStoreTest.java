package dev.cscs.store;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.Freshness;
import dev.cscs.core.trust.Signing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Freshness records in the store (issue #14): every replica takes one only from a member whose key
 * the cluster knows, signed by that key and newer than the last; a watcher gets the latest after
 * the changesets before it and every new one in its place; a snapshot keeps it; and a device's
 * report that first says it is stale or withheld is an alert, once.
 */
class FreshnessStoreTest {
    static final PrivateKeyRef N1 = KeyGen.generate("ecdsa-p256");
    static final Instant T = Instant.parse("2026-12-06T21:00:00Z");
    private final Changeset genesis = Chains.genesis();
    private final ConfigStore s = new ConfigStore(genesis, ChangesetCodec.digest(genesis.body()), 100);
    private long revision;

    private void commit(String domain, String key, String value) {
        Head h = s.head(domain);
        Changeset cs = signed(Signing.unsigned(domain, h.seq() + 1, h.digest(), Chains.T0, List.of(put(key, value)), null),
                domain.equals("global") ? Chains.signerB() : Chains.root());
        s.apply(++revision, new LogEntry.Submit("n1", "2026-12-06T21:00:00Z", cs));
    }

    private void registerN1() {
        commit("_nodes", "node/n1", "{\"role\": \"voter\", \"raft\": \"127.0.0.1:7401\", \"key\": {\"alg\": \"ecdsa-p256-sha256\", "
                + "\"spki\": \"" + Base64.getEncoder().encodeToString(N1.publicKey().spki()) + "\"}}");
    }

    private Outcome fresh(PrivateKeyRef key, String node, Instant at) {
        LogEntry e = new LogEntry.SignedFreshness(Freshness.sign(key, node, at, s.heads()));
        // through the codec, as every replica reads it from the log
        return s.apply(++revision, LogEntryCodec.decode(LogEntryCodec.encode(e), Limits.DEFAULT));
    }

    @Test
    void aRecordCountsOnlyFromARegisteredMembersKeyAndOnlyWhenNewerThanTheLast() {
        assertThat(fresh(N1, "n1", T)).as("before n1's key is registered").isInstanceOf(Outcome.Rejected.class);
        registerN1();
        assertThat(fresh(KeyGen.generate("ecdsa-p256"), "n1", T)).as("another key in n1's name").isInstanceOf(Outcome.Rejected.class);
        assertThat(fresh(N1, "n1", T)).isInstanceOf(Outcome.Recorded.class);
        assertThat(fresh(N1, "n1", T)).as("a replay").isInstanceOf(Outcome.Rejected.class);
        assertThat(fresh(N1, "n1", T.minusSeconds(60))).as("an older one").isInstanceOf(Outcome.Rejected.class);

        assertThat(s.alerts()).extracting(Alert::code).containsExactly("unknown-key", "bad-signature", "stale", "stale");
        assertThat(s.alerts().get(2).message()).contains("not after the one at revision");
        assertThat(s.freshness()).hasValueSatisfying(f -> assertThat(f.freshness().issued()).isEqualTo(T));
    }

    @Test
    void aWatcherGetsTheLatestRecordAfterTheChangesetsBeforeItAndEachNewOneInItsPlace() {
        registerN1();
        commit("global", "sysctl/a", "{\"value\": \"1\"}");
        fresh(N1, "n1", T);
        commit("global", "sysctl/b", "{\"value\": \"1\"}");
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription sub = s.subscribe(Set.of("global"), 0, got::add)) {
            assertThat(got).hasSize(2);
            assertThat(got.get(0)).isInstanceOfSatisfying(Delivery.Events.class,
                    e -> assertThat(e.changesets()).extracting(StoredChangeset::revision).containsExactly(2L, 4L));
            assertThat(got.get(1)).isInstanceOfSatisfying(Delivery.Fresh.class, f -> assertThat(f.revision()).isEqualTo(3));

            fresh(N1, "n1", T.plusSeconds(60));
            commit("global", "sysctl/c", "{\"value\": \"1\"}");
            Eventually.await("the next record and changeset", Duration.ofSeconds(10), () -> got.size() == 4);
        }
        assertThat(got.get(2)).isInstanceOfSatisfying(Delivery.Fresh.class, f -> assertThat(f.revision()).isEqualTo(5));
        assertThat(got.get(3)).isInstanceOf(Delivery.Events.class);
    }

    @Test
    void aSnapshotKeepsTheLatestRecordAndARestoredReplicaStillRefusesItsReplay() throws Exception {
        registerN1();
        fresh(N1, "n1", T);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotCodec.write(s, 1, revision, out);
        ConfigStore r = SnapshotCodec.read(new ByteArrayInputStream(out.toByteArray()), genesis, null, 100, 1, revision);

        assertThat(r.freshness()).hasValueSatisfying(f -> {
            assertThat(f.revision()).isEqualTo(2);
            assertThat(f.freshness().issued()).isEqualTo(T);
        });
        Outcome replay = r.apply(revision + 1, new LogEntry.SignedFreshness(Freshness.sign(N1, "n1", T, r.heads())));
        assertThat(replay).isInstanceOf(Outcome.Rejected.class);
    }

    @Test
    void aReportThatFirstSaysStaleIsAnAlertOnceAndNotARejection() {
        String stale = "{\"errors\": [{\"code\": \"stale\", \"message\": \"stale: no signed freshness record for 700 s\"}]}";
        for (String report : List.of("{\"errors\": []}", stale, stale, "{\"errors\": []}", stale)) {
            s.apply(++revision, new LogEntry.ReportStatus("edge1", "2026-12-06T21:00:00Z", Chains.json(report), null));
        }
        assertThat(s.alerts()).hasSize(2).allSatisfy(a -> {
            assertThat(a.code()).isEqualTo("stale");
            assertThat(a.message()).startsWith("node edge1: stale");
        });
        assertThat(s.rejectionsByCode()).doesNotContainKey("stale");
    }
}
