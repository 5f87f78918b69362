package dev.cscs.core.crypto;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECPoint;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Refuses weak public keys when they are read, so that no policy can hold one: a weak key
 * either verifies forged signatures (small-order points) or makes the verifier throw. Every
 * check here is one an honestly generated key always passes. RSA keys must use the public
 * exponent 65537: any exponent {@code e + k·λ(n)} accepts the same signatures as {@code e},
 * so a free exponent would let one key appear under many keyids.
 */
final class KeyChecks {
    static final BigInteger RSA_EXPONENT = BigInteger.valueOf(65537);
    static final int MAX_RSA_BITS = 16384;
    static final BigInteger ED25519_P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** The 8 points of order dividing 8 (RFC 8032 curve, canonical encodings). */
    private static final List<byte[]> ED25519_SMALL_ORDER = List.of(
            "0100000000000000000000000000000000000000000000000000000000000000",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa")
            .stream().map(HexFormat.of()::parseHex).toList();
    private static final ECCurve P256 = CustomNamedCurves.getByName("P-256").getCurve();
    static final BigInteger P256_P = P256.getField().getCharacteristic();

    private KeyChecks() {
    }

    /** Throws {@link ErrorCode#BAD_KEY}, saying why, unless {@code key} (read from {@code spki}) is a strong key. */
    static void check(KeyType type, PublicKey key, byte[] spki) {
        switch (type) {
            case ED25519:
                ed25519(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
                break;
            case EC_P256:
                p256(((ECPublicKey) key).getW());
                break;
            default:
                rsa((RSAPublicKey) key);
        }
    }

    private static void ed25519(byte[] raw) {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = raw[31 - i];
        }
        be[0] &= 0x7f;
        if (new BigInteger(1, be).compareTo(ED25519_P) >= 0) {
            throw bad("ed25519 public key is not canonical: its y >= p (2^255 - 19)");
        }
        for (byte[] small : ED25519_SMALL_ORDER) {
            if (Arrays.equals(small, raw)) {
                throw bad("ed25519 public key is a point of small order (at most 8): it would accept forged signatures");
            }
        }
        if (!Ed25519.validatePublicKeyPartial(raw, 0)) {
            // also x = 0 with the sign bit set, a second encoding of a small-order point
            throw bad("ed25519 public key is not canonical or not a point of the curve");
        }
        if (!Ed25519.validatePublicKeyFull(raw, 0)) {
            throw bad("ed25519 public key is not in the prime-order subgroup (it has a small-order component; "
                    + "no private key makes such a point)");
        }
    }

    private static void p256(ECPoint w) {
        if (w.equals(ECPoint.POINT_INFINITY)) {
            throw bad("ecdsa-p256 public key is the point at infinity");
        }
        BigInteger x = w.getAffineX();
        BigInteger y = w.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(P256_P) >= 0 || y.compareTo(P256_P) >= 0) {
            throw bad("ecdsa-p256 public key is not canonical: a coordinate is not below p");
        }
        // P-256 has cofactor 1: every point of the curve but infinity is in the prime-order group
        if (!P256.createPoint(x, y).isValid()) {
            throw bad("ecdsa-p256 public key is not on the curve P-256");
        }
    }

    private static void rsa(RSAPublicKey k) {
        int bits = k.getModulus().bitLength();
        if (bits < PublicKeys.MIN_RSA_BITS || bits > MAX_RSA_BITS) {
            throw bad("RSA key has " + bits + " bits; at least " + PublicKeys.MIN_RSA_BITS + " and at most "
                    + MAX_RSA_BITS + " are required");
        }
        if (!k.getModulus().testBit(0)) {
            throw bad("RSA modulus is even, so it is no product of two large primes");
        }
        if (!RSA_EXPONENT.equals(k.getPublicExponent())) {
            throw bad("RSA public exponent must be 65537 (another exponent can accept the same signatures "
                    + "under a second keyid); this key has " + abbreviated(k.getPublicExponent()));
        }
    }

    private static String abbreviated(BigInteger e) {
        String s = e.toString();
        return s.length() <= 12 ? s : "a " + e.bitLength() + "-bit exponent";
    }

    private static CscsException bad(String why) {
        return new CscsException(ErrorCode.BAD_KEY, why);
    }
}
