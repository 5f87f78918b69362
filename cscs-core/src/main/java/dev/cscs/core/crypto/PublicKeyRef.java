package dev.cscs.core.crypto;

import java.security.PublicKey;
import java.util.Base64;

/**
 * A public key CSCS accepts, with its canonical DER SPKI and its keyid (lowercase hex
 * SHA-256 of that DER). One key has exactly one keyid: non-canonical encodings are refused
 * when the key is read, so a single key can never count twice towards a threshold.
 */
public final class PublicKeyRef {
    private final KeyType type;
    private final PublicKey key;
    private final byte[] spki;
    private final String keyid;
    /** BouncyCastle's form of the key for fast verification, made on first use. */
    private volatile Object fastVerifier;

    PublicKeyRef(KeyType type, PublicKey key, byte[] spki, String keyid) {
        this.type = type;
        this.key = key;
        this.spki = spki.clone();
        this.keyid = keyid;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKeyRef && ((PublicKeyRef) o).keyid.equals(keyid);
    }

    @Override
    public int hashCode() {
        return keyid.hashCode();
    }

    @Override
    public String toString() {
        return type.label() + " " + keyid;
    }
}
