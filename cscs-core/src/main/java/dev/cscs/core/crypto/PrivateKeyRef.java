package dev.cscs.core.crypto;

import java.security.PrivateKey;

/** A private key with its public half. Its {@code toString} never shows key material. */
public final class PrivateKeyRef {
    private final PrivateKey key;
    private final PublicKeyRef publicKey;

    PrivateKeyRef(PrivateKey key, PublicKeyRef publicKey) {
        this.key = key;
        this.publicKey = publicKey;
    }

    PrivateKey key() {
        return key;
    }

    /** The JCA key, for TLS and certificate code that needs it; never log it. */
    public PrivateKey jcaKey() {
        return key;
    }

    public PublicKeyRef publicKey() {
        return publicKey;
    }

    public KeyType type() {
        return publicKey.type();
    }

    public String keyid() {
        return publicKey.keyid();
    }

    @Override
    public String toString() {
        return "private key " + publicKey;
    }
}
