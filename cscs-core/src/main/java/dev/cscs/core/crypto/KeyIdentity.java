package dev.cscs.core.crypto;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.EdECPoint;
import java.util.HexFormat;

/**
 * What a public key is, mathematically, independent of how it was encoded: two keys with one
 * identity accept the same signatures. Ed25519: the canonical 32-byte encoding of the point
 * (y reduced mod p); ECDSA P-256: the affine point (x, y); RSA: the modulus (the exponent is
 * always 65537, see {@link KeyChecks}). Thresholds count identities, never keyids.
 *
 * @param value the identity as lowercase hex
 */
public record KeyIdentity(KeyType type, String value) {
    static KeyIdentity of(KeyType type, PublicKey key) {
        switch (type) {
            case ED25519: {
                EdECPoint p = ((EdECPublicKey) key).getPoint();
                byte[] le = littleEndian32(p.getY().mod(KeyChecks.ED25519_P));
                if (p.isXOdd()) {
                    le[31] |= (byte) 0x80;
                }
                return new KeyIdentity(type, HexFormat.of().formatHex(le));
            }
            case EC_P256: {
                var w = ((ECPublicKey) key).getW();
                return new KeyIdentity(type, "04" + hex32(w.getAffineX().mod(KeyChecks.P256_P)) + hex32(w.getAffineY().mod(KeyChecks.P256_P)));
            }
            default:
                return new KeyIdentity(type, ((RSAPublicKey) key).getModulus().toString(16));
        }
    }

    /** What the identity is made of, for error messages. */
    public String what() {
        switch (type) {
            case ED25519:
                return "the same Ed25519 point";
            case EC_P256:
                return "the same P-256 point (x, y)";
            default:
                return "the same RSA modulus";
        }
    }

    private static byte[] littleEndian32(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < Math.min(32, be.length); i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    private static String hex32(BigInteger v) {
        String h = v.toString(16);
        return "0".repeat(64 - h.length()) + h;
    }

    @Override
    public String toString() {
        return type.label() + ":" + value.substring(0, Math.min(16, value.length())) + "…";
    }
}
