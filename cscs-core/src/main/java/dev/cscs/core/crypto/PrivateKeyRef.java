package dev.cscs.core.crypto;

import java.security.PrivateKey;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** A private key with its public half. Its {@code toString} never shows key material. */
public final class PrivateKeyRef {
    private final PrivateKey key;
    private final PublicKeyRef publicKey;
    /** The key decoded for {@link FastSign}, once; it holds the same secret as {@link #key}. */
    private volatile Ed25519PrivateKeyParameters fastSigner;

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

    Ed25519PrivateKeyParameters fastSigner() {
        return fastSigner;
    }

    void fastSigner(Ed25519PrivateKeyParameters p) {
        fastSigner = p;
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
