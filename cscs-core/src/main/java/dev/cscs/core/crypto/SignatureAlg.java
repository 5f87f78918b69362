package dev.cscs.core.crypto;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Names;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The signature algorithms of the wire format (DESIGN.md §2). RSA-PSS uses SHA-256, MGF1
 * with SHA-256 and a 32-byte salt ({@code openssl pkeyutl -pkeyopt rsa_padding_mode:pss
 * -pkeyopt rsa_pss_saltlen:digest}).
 */
public enum SignatureAlg {
    ED25519("ed25519", KeyType.ED25519, "Ed25519"),
    ECDSA_P256_SHA256("ecdsa-p256-sha256", KeyType.EC_P256, "SHA256withECDSA"),
    RSA_PKCS1_SHA256("rsa-pkcs1-sha256", KeyType.RSA, "SHA256withRSA"),
    RSA_PSS_SHA256("rsa-pss-sha256", KeyType.RSA, "RSASSA-PSS");

    static final PSSParameterSpec PSS = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

    private final String wireName;
    private final KeyType keyType;
    private final String jcaName;

    SignatureAlg(String wireName, KeyType keyType, String jcaName) {
        this.wireName = wireName;
        this.keyType = keyType;
        this.jcaName = jcaName;
    }

    public String wireName() {
        return wireName;
    }

    public KeyType keyType() {
        return keyType;
    }

    String jcaName() {
        return jcaName;
    }

    AlgorithmParameterSpec params() {
        return this == RSA_PSS_SHA256 ? PSS : null;
    }

    public static SignatureAlg fromWire(String name) {
        for (SignatureAlg a : values()) {
            if (a.wireName.equals(name)) {
                return a;
            }
        }
        throw CscsException.malformed("signature algorithm " + Names.shown(name)
                + " is not one of ed25519, ecdsa-p256-sha256, rsa-pkcs1-sha256, rsa-pss-sha256");
    }

    /** The algorithm a key signs with when none is asked for. */
    public static SignatureAlg defaultFor(KeyType type) {
        switch (type) {
            case ED25519:
                return ED25519;
            case EC_P256:
                return ECDSA_P256_SHA256;
            default:
                return RSA_PKCS1_SHA256;
        }
    }

    @Override
    public String toString() {
        return wireName;
    }
}
