package dev.cscs.server;

import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.MutableClock;
import dev.cscs.core.trust.Freshness;
import dev.cscs.core.trust.Signing;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.LogEntry;
import dev.cscs.store.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The leader's signer against a real store: it signs only while leading and only once its own key
 * is registered in {@code _nodes}; what it signs is the store's heads and every replica takes it;
 * and a clock behind the latest record proposes nothing the replicas would refuse.
 */
class FreshnessSignerTest {
    static final PrivateKeyRef KEY = KeyGen.generate("ecdsa-p256");
    static final Instant T = Instant.parse("2026-12-06T21:00:00Z");
    private final Changeset genesis = Chains.genesis();
    private final ConfigStore store = new ConfigStore(genesis, ChangesetCodec.digest(genesis.body()), 100);
    private final List<Freshness> proposed = new ArrayList<>();
    private long revision;
    private boolean leading = true;
    private final MutableClock clock = new MutableClock(T);

    private FreshnessSigner signer() {
        return new FreshnessSigner(store, () -> leading, f -> {
            proposed.add(f);
            Outcome o = store.apply(++revision, new LogEntry.SignedFreshness(f));
            return CompletableFuture.completedFuture(o instanceof Outcome.Recorded ? revision : -1L);
        }, "n1", KEY, clock);
    }

    private void register() {
        Head h = store.head("_nodes");
        Changeset cs = signed(Signing.unsigned("_nodes", h.seq() + 1, h.digest(), Chains.T0, List.of(put("node/n1",
                "{\"role\": \"voter\", \"raft\": \"127.0.0.1:7401\", \"key\": {\"alg\": \"ecdsa-p256-sha256\", \"spki\": \""
                        + Base64.getEncoder().encodeToString(KEY.publicKey().spki()) + "\"}}")), null), Chains.root());
        store.apply(++revision, new LogEntry.Submit("n1", "2026-12-06T21:00:00Z", cs));
    }

    @Test
    void itSignsOnlyOnceItsKeyIsRegisteredAndOnlyWhileLeading() {
        FreshnessSigner s = signer();
        s.signIfLeading();
        assertThat(proposed).as("no key in _nodes: no device could verify it").isEmpty();

        register();
        leading = false;
        s.signIfLeading();
        assertThat(proposed).as("a follower signs nothing").isEmpty();

        leading = true;
        s.signIfLeading();
        assertThat(proposed).singleElement().satisfies(f -> {
            assertThat(f.heads()).isEqualTo(store.heads());
            assertThat(f.signedBy(KEY.publicKey())).isTrue();
        });
        assertThat(store.freshness()).hasValueSatisfying(l -> assertThat(l.freshness().issued()).isEqualTo(T));
    }

    @Test
    void aClockBehindTheLatestRecordProposesNothingUntilItPassesIt() {
        register();
        FreshnessSigner s = signer();
        s.signIfLeading();
        clock.set(T.minusSeconds(30));
        s.signIfLeading();
        clock.set(T);
        s.signIfLeading();
        assertThat(proposed).as("not the records the replicas would refuse as replays").hasSize(1);

        clock.set(T.plusSeconds(1));
        s.signIfLeading();
        assertThat(proposed).hasSize(2);
        assertThat(store.alerts()).as("nothing refused, so nothing alerted").isEmpty();
    }
}
