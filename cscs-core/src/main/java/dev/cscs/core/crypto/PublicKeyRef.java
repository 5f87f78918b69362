package dev.cscs.core.crypto;

import java.security.PublicKey;
import java.util.Base64;

/**
 * A public key CSCS accepts, with its canonical DER SPKI, its keyid (lowercase hex SHA-256 of
 * that DER) and its {@link KeyIdentity}. One key has exactly one keyid: non-canonical
 * encodings and other RSA exponents are refused when the key is read. Equality is by
 * identity, and thresholds count identities, so even two keyids of one key would count once.
 */
public final class PublicKeyRef {
    private final KeyType type;
    private final PublicKey key;
    private final byte[] spki;
    private final String keyid;
    private final KeyIdentity identity;
    /** BouncyCastle's form of the key for fast verification, made on first use. */
    private volatile Object fastVerifier;

    PublicKeyRef(KeyType type, PublicKey key, byte[] spki, String keyid, KeyIdentity identity) {
        this.type = type;
        this.key = key;
        this.spki = spki.clone();
        this.keyid = keyid;
        this.identity = identity;
    }

    Object fastVerifier() {
        return fastVerifier;
    }

    void fastVerifier(Object v) {
        fastVerifier = v;
    }

    public KeyType type() {
        return type;
    }

    public PublicKey key() {
        return key;
    }

    public byte[] spki() {
        return spki.clone();
    }

    public String spkiBase64() {
        return Base64.getEncoder().encodeToString(spki);
    }

    public String keyid() {
        return keyid;
    }

    public KeyIdentity identity() {
        return identity;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKeyRef && ((PublicKeyRef) o).identity.equals(identity);
    }

    @Override
    public int hashCode() {
        return identity.hashCode();
    }

    @Override
    public String toString() {
        return type.label() + " " + keyid;
    }
}
