package dev.cscs.core.trust;

import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.SignatureAlg;

/** A key the trust policy knows: its public key and the one algorithm it signs with. */
public record KeyEntry(SignatureAlg alg, PublicKeyRef key) {
}
