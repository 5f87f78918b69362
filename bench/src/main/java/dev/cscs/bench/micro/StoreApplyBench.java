package dev.cscs.bench.micro;

import dev.cscs.core.model.Changeset;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.LogEntry;
import dev.cscs.store.Outcome;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The state machine's apply of one committed {@link LogEntry.Submit}: {@link ConfigStore#apply}
 * verifies the changeset as the next link of its chain, folds its op into the current values,
 * records it in the history and the event index and publishes it to the (here: no) watchers.
 *
 * <p>Applying a link moves the chain's head, so the same entry can be applied only once per
 * store: every invocation gets a fresh store rooted in the same genesis, built (genesis
 * verification included) in an untimed per-invocation setup. The operation takes tens of
 * microseconds or more, far above the cost of JMH's per-invocation timestamps. Each invocation
 * applies the next of {@link SignedChain#POOL} distinct changesets, so its signature is verified
 * for real, not remembered from the one before.
 * {@code -p alg=ecdsa-p256-sha256} (or an RSA algorithm) measures another signer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StoreApplyBench {
    /** The changesets a node keeps in its event index by default (eventHistory in the server config). */
    private static final int EVENT_HISTORY = 10_000;
    private static final long REVISION = 2;

    @Param({"ed25519"})
    public String alg;

    private Changeset genesis;
    private LogEntry.Submit[] submits;
    private int next;
    private ConfigStore store;

    @Setup(Level.Trial)
    public void signOneSubmit() {
        SignedChain chain = SignedChain.signedWith(alg);
        genesis = chain.genesis();
        Changeset[] links = chain.singleOpLinks();
        submits = new LogEntry.Submit[links.length];
        for (int i = 0; i < links.length; i++) {
            submits[i] = new LogEntry.Submit("n1", "2026-11-29T16:00:01Z", links[i]);
        }
        Outcome outcome = new ConfigStore(genesis, null, EVENT_HISTORY).apply(REVISION, submits[0]);
        if (!(outcome instanceof Outcome.Accepted)) {
            throw new IllegalStateException("the benchmark changeset is not accepted: " + outcome);
        }
    }

    @Setup(Level.Invocation)
    public void freshStore() {
        store = new ConfigStore(genesis, null, EVENT_HISTORY);
        next = (next + 1) % submits.length;
    }

    @Benchmark
    public Outcome applySignedSubmit() {
        return store.apply(REVISION, submits[next]);
    }
}
