package dev.cscs.bench.micro;

import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Signature;
import dev.cscs.core.trust.Accepted;
import dev.cscs.core.trust.ChainState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What every replica pays for each changeset it is handed, per signature algorithm of the
 * domain's signer: {@link #verifyChangesetAgainstPolicy} is {@link ChainState#check}, the
 * verification {@code ChainState.accept} runs before it moves the head (position, scope,
 * canonical body, signing payload, key lookup, signature, threshold); {@link #verifySignatureOnly}
 * is the bare {@link Signer#verify} of the same payload, so the difference is what the chain
 * rules and the canonical encoding add. The decoded public key is cached after the first
 * verification, as it is in a running store; the signatures are not: each call takes the next of
 * {@link SignedChain#POOL} distinct changesets, more than the process remembers as verified.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChangesetVerifyBench {
    @Param({"ed25519", "ecdsa-p256-sha256", "rsa-pkcs1-sha256", "rsa-pss-sha256"})
    public String alg;

    private ChainState state;
    private Changeset[] changesets;
    private PublicKeyRef signerKey;
    private SignatureAlg signatureAlg;
    private byte[][] payloads;
    private byte[][] signatures;
    private int next;

    @Setup
    public void signOneChangeset() {
        SignedChain chain = SignedChain.signedWith(alg);
        state = chain.state();
        changesets = chain.singleOpLinks();
        signerKey = chain.signer().publicKey();
        signatureAlg = changesets[0].signatures().get(0).alg();
        payloads = new byte[changesets.length][];
        signatures = new byte[changesets.length][];
        for (int i = 0; i < changesets.length; i++) {
            Signature sig = changesets[i].signatures().get(0);
            payloads[i] = ChangesetCodec.signingPayload(changesets[i].body());
            signatures[i] = sig.bytes();
        }
        // fail here, not with a misleading figure, if the fixture does not verify
        state.check(changesets[0]);
        if (!Signer.verify(signerKey, signatureAlg, payloads[1], signatures[1])) {
            throw new IllegalStateException(alg + ": the benchmark signature does not verify");
        }
    }

    private int next() {
        next = (next + 1) % changesets.length;
        return next;
    }

    @Benchmark
    public Accepted verifyChangesetAgainstPolicy() {
        return state.check(changesets[next()]);
    }

    @Benchmark
    public boolean verifySignatureOnly() {
        int i = next();
        return Signer.verify(signerKey, signatureAlg, payloads[i], signatures[i]);
    }
}
