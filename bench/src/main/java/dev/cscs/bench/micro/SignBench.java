package dev.cscs.bench.micro;

import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.model.ChangesetCodec;
import java.security.GeneralSecurityException;
import java.security.Signature;
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
 * What signing a changeset's payload costs: {@link Signer#sign} per algorithm (Ed25519 on
 * BouncyCastle), and the JDK's own Ed25519 signature, which CSCS used before, beside it. A CLI
 * signs once per command; a node signs every status report it sends.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignBench {
    /** {@code jdkEd25519} needs an Ed25519 key; {@code -p alg=ecdsa-p256-sha256} times {@code cscsSigner} on the JDK's ECDSA. */
    @Param({"ed25519"})
    public String alg;

    private PrivateKeyRef key;
    private SignatureAlg signatureAlg;
    private byte[] payload;

    @Setup
    public void keyAndPayload() {
        SignedChain chain = SignedChain.signedWith(alg);
        key = chain.signer();
        signatureAlg = chain.alg();
        payload = ChangesetCodec.signingPayload(chain.singleOpLink().body());
    }

    @Benchmark
    public byte[] cscsSigner() {
        return Signer.sign(key, signatureAlg, payload);
    }

    @Benchmark
    public byte[] jdkEd25519() throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key.jcaKey());
        s.update(payload);
        return s.sign();
    }
}
