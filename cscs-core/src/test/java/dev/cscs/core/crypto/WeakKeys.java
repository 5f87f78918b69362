package dev.cscs.core.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Public keys an attacker would put in a trust policy, as raw SPKI bytes made without any of
 * CSCS's checks: weak keys, and second encodings of one key.
 */
public final class WeakKeys {
    /** 2^255 - 19. */
    public static final BigInteger ED25519_P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** The 8 points of order dividing 8 on Ed25519, canonically encoded (each checked with [8]P = O). */
    public static final List<String> ED25519_SMALL_ORDER = List.of(
            "0100000000000000000000000000000000000000000000000000000000000000",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa");
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private WeakKeys() {
    }

    /** An RSA key pair's private half (its public exponent is 65537). */
    public static RSAPrivateCrtKey rsa2048() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** lcm(p-1, q-1): every exponent e + k·λ accepts exactly the signatures that e accepts. */
    public static BigInteger carmichael(RSAPrivateCrtKey k) {
        BigInteger p1 = k.getPrimeP().subtract(BigInteger.ONE);
        BigInteger q1 = k.getPrimeQ().subtract(BigInteger.ONE);
        return p1.multiply(q1).divide(p1.gcd(q1));
    }

    /** The SPKI of the RSA public key (n, e), with the NULL parameters or without them. */
    public static byte[] rsaSpki(BigInteger n, BigInteger e, boolean nullParams) {
        AlgorithmIdentifier alg = nullParams ? new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE)
                : new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption);
        try {
            return der(new SubjectPublicKeyInfo(alg, new RSAPublicKey(n, e)));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The SPKI of the P-256 point {@code point} (an SEC1 encoding: 04||x||y, or compressed). */
    public static byte[] ecSpki(byte[] point) {
        try {
            return der(new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                    X9ObjectIdentifiers.prime256v1), point));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] ed25519Spki(byte[] raw) {
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        return spki;
    }

    public static byte[] ed25519Spki(String rawHex) {
        return ed25519Spki(HexFormat.of().parseHex(rawHex));
    }

    /** The little-endian encoding of y (which may be >= p), with the sign bit of x. */
    public static byte[] ed25519Raw(BigInteger y, boolean xOdd) {
        byte[] be = y.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < Math.min(32, be.length); i++) {
            le[i] = be[be.length - 1 - i];
        }
        if (xOdd) {
            le[31] |= (byte) 0x80;
        }
        return le;
    }

    /**
     * {@code spki} as the JDK reads it, skipping every CSCS check: the key a policy would hold
     * had the checks at load time missed it.
     */
    public static PublicKeyRef unchecked(byte[] spki) {
        KeyType type = PublicKeys.typeOf(spki);
        try {
            PublicKey key = KeyFactory.getInstance(PublicKeys.jcaFamily(type)).generatePublic(new X509EncodedKeySpec(spki));
            return new PublicKeyRef(type, key, spki, PublicKeys.keyId(spki), KeyIdentity.of(type, key));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the JDK cannot read this key either", e);
        }
    }

    private static byte[] der(SubjectPublicKeyInfo info) throws IOException {
        return info.getEncoded(ASN1Encoding.DER);
    }
}
