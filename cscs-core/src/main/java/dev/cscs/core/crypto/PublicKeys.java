package dev.cscs.core.crypto;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Digest;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/** Reads, checks and derives public keys; computes keyids. */
public final class PublicKeys {
    public static final int MIN_RSA_BITS = 2048;
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private PublicKeys() {
    }

    /**
     * Parses a DER SPKI, refusing unsupported types, non-canonical encodings and weak keys
     * ({@link KeyChecks}). Only the canonical encoding is accepted, so one key has one keyid.
     */
    public static PublicKeyRef fromSpki(byte[] der) {
        KeyType type = typeOf(der);
        PublicKey key;
        try {
            key = KeyFactory.getInstance(jcaFamily(type)).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CscsException(ErrorCode.BAD_KEY, "public key is not a valid " + type.label() + " key");
        }
        if (!Arrays.equals(key.getEncoded(), der)) {
            throw new CscsException(ErrorCode.BAD_KEY, type.label()
                    + " public key is not in canonical DER form (e.g. a compressed point or explicit curve parameters)");
        }
        KeyChecks.check(type, key, der);
        return new PublicKeyRef(type, key, der, keyId(der), KeyIdentity.of(type, key));
    }

    public static PublicKeyRef of(PublicKey key) {
        return fromSpki(key.getEncoded());
    }

    public static String keyId(byte[] spkiDer) {
        return Digest.of(spkiDer).hex();
    }

    static KeyType typeOf(byte[] der) {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new CscsException(ErrorCode.BAD_KEY, "not a DER SubjectPublicKeyInfo");
        }
        if (info == null) {
            throw new CscsException(ErrorCode.BAD_KEY, "not a DER SubjectPublicKeyInfo");
        }
        return typeOf(info.getAlgorithm().getAlgorithm(), info.getAlgorithm().getParameters());
    }

    static KeyType typeOf(ASN1ObjectIdentifier oid, Object params) {
        if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
            return KeyType.ED25519;
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            return KeyType.RSA;
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            if (X9ObjectIdentifiers.prime256v1.equals(params)) {
                return KeyType.EC_P256;
            }
            throw new CscsException(ErrorCode.BAD_KEY, "EC keys must use the named curve P-256 (prime256v1); got "
                    + (params instanceof ASN1ObjectIdentifier ? params : "explicit or other curve parameters"));
        }
        if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
            throw new CscsException(ErrorCode.BAD_KEY,
                    "RSA-PSS-only keys are not accepted; use a plain RSA key (PSS is chosen per signature with rsa-pss-sha256)");
        }
        if (SECObjectIdentifiers.secp384r1.equals(oid) || EdECObjectIdentifiers.id_Ed448.equals(oid)) {
            throw new CscsException(ErrorCode.BAD_KEY, "unsupported key algorithm " + oid);
        }
        throw new CscsException(ErrorCode.BAD_KEY, "unsupported key algorithm " + oid
                + "; use Ed25519, ECDSA P-256 or RSA >= " + MIN_RSA_BITS);
    }

    static String jcaFamily(KeyType type) {
        switch (type) {
            case ED25519:
                return "Ed25519";
            case EC_P256:
                return "EC";
            default:
                return "RSA";
        }
    }

    /** The public half of a private key, computed from the private key alone. */
    static PublicKeyRef derive(KeyType type, PrivateKey priv) {
        try {
            switch (type) {
                case ED25519: {
                    byte[] seed = ((EdECPrivateKey) priv).getBytes()
                            .orElseThrow(() -> new CscsException(ErrorCode.BAD_KEY, "Ed25519 private key has no seed"));
                    byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
                    Arrays.fill(seed, (byte) 0);
                    byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + pub.length);
                    System.arraycopy(pub, 0, spki, ED25519_SPKI_PREFIX.length, pub.length);
                    return fromSpki(spki);
                }
                case EC_P256: {
                    ECPrivateKey ec = (ECPrivateKey) priv;
                    BigInteger d = ec.getS();
                    org.bouncycastle.math.ec.ECPoint q = new FixedPointCombMultiplier()
                            .multiply(CustomNamedCurves.getByName("P-256").getG(), d).normalize();
                    ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
                    return of(KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams())));
                }
                default: {
                    if (!(priv instanceof RSAPrivateCrtKey)) {
                        throw new CscsException(ErrorCode.BAD_KEY, "RSA private key lacks its CRT parameters");
                    }
                    RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) priv;
                    return of(KeyFactory.getInstance("RSA")
                            .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent())));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new CscsException(ErrorCode.BAD_KEY, "cannot derive the public key of a " + type.label() + " key");
        }
    }
}
