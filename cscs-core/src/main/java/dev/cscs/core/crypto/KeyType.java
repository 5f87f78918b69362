package dev.cscs.core.crypto;

/** The key types CSCS accepts: Ed25519, ECDSA on P-256, and RSA of 2048 to 16384 bits with exponent 65537. */
public enum KeyType {
    ED25519("ed25519"),
    EC_P256("ecdsa-p256"),
    RSA("rsa");

    private final String label;

    KeyType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
