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
 * verification, as it is in a running store.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChangesetVerifyBench {
    @Param({"ed25519", "ecdsa-p256-sha256", "rsa-pkcs1-sha256", "rsa-pss-sha256"})
    public String alg;

    private ChainState state;
    private Changeset changeset;
    private PublicKeyRef signerKey;
    private SignatureAlg signatureAlg;
    private byte[] payload;
    private byte[] signature;

    @Setup
    public void signOneChangeset() {
        SignedChain chain = SignedChain.signedWith(alg);
        state = chain.state();
        changeset = chain.singleOpLink();
        Signature sig = changeset.signatures().get(0);
        signerKey = chain.signer().publicKey();
        signatureAlg = sig.alg();
        payload = ChangesetCodec.signingPayload(changeset.body());
        signature = sig.bytes();
        // fail here, not with a misleading figure, if the fixture does not verify
        state.check(changeset);
        if (!Signer.verify(signerKey, signatureAlg, payload, signature)) {
            throw new IllegalStateException(alg + ": the benchmark signature does not verify");
        }
    }

    @Benchmark
    public Accepted verifyChangesetAgainstPolicy() {
        return state.check(changeset);
    }

    @Benchmark
    public boolean verifySignatureOnly() {
        return Signer.verify(signerKey, signatureAlg, payload, signature);
    }
}
