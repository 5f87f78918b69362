package dev.cscs.core.crypto;

import java.security.interfaces.EdECPrivateKey;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 signing on BouncyCastle's lightweight API: the JDK's took 0.77 ms per signature on
 * the 2-core build machine, BouncyCastle's 0.04 ms ({@code bench/run jmh SignBench}), and every
 * status report a node sends is signed. Ed25519 is deterministic (RFC 8032), so the signature is
 * the very one the JDK would give.
 */
final class FastSign {
    private FastSign() {
    }

    /** The signature, or null when the key's seed is not at hand (a key that keeps it inside a token): the JDK signs then. */
    static byte[] ed25519(PrivateKeyRef key, byte[] payload) {
        Ed25519PrivateKeyParameters priv = key.fastSigner();
        if (priv == null) {
            byte[] seed = key.key() instanceof EdECPrivateKey ed ? ed.getBytes().orElse(null) : null;
            if (seed == null) {
                return null;
            }
            priv = new Ed25519PrivateKeyParameters(seed, 0);
            key.fastSigner(priv);
        }
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, priv);
        s.update(payload, 0, payload.length);
        return s.generateSignature();
    }
}
