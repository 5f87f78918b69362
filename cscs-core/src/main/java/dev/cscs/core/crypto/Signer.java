package dev.cscs.core.crypto;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

/**
 * Signing and verification over raw payload bytes.
 *
 * <p>Malleability policy. The identity of a changeset is the digest of its body alone, and
 * signatures are counted per distinct key (its {@link KeyIdentity}), so a second valid
 * encoding of a signature can neither change what is applied nor count twice. Even so, verification accepts exactly one
 * encoding where the format allows more: Ed25519 signatures must have {@code S < L} (RFC 8032
 * §5.1.7); ECDSA signatures must be strict DER with {@code 0 < r, s < n}. High-S ECDSA
 * signatures are accepted, because {@code openssl} and the JDK produce them and the wire
 * format promises that their signatures verify.
 *
 * <p>Ed25519 and ECDSA verification run on BouncyCastle's lightweight implementations (with
 * the decoded key cached per key): the JDK's take 2-3 ms per signature on a small device,
 * BouncyCastle's a fraction of that, and every replica verifies every changeset. A signature is
 * verified once per process ({@link VerifiedSignatures}), however often the same changeset is checked.
 */
public final class Signer {
    /** The order of the Ed25519 base point. */
    private static final BigInteger ED25519_L = BigInteger.TWO.pow(252)
            .add(new BigInteger("27742317777372353535851937790883648493"));
    private static final BigInteger P256_N =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

    /** A few hundred changesets in flight or recently applied, each with its few signatures. */
    private static final VerifiedSignatures VERIFIED = new VerifiedSignatures(1024);

    private Signer() {
    }

    public static byte[] sign(PrivateKeyRef key, SignatureAlg alg, byte[] payload) {
        requireMatch(key.type(), alg);
        byte[] fast = alg == SignatureAlg.ED25519 ? FastSign.ed25519(key, payload) : null;
        if (fast != null) {
            return fast;
        }
        try {
            Signature s = Signature.getInstance(alg.jcaName());
            if (alg.params() != null) {
                s.setParameter(alg.params());
            }
            s.initSign(key.key());
            s.update(payload);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new CscsException(ErrorCode.INTERNAL, "signing with " + alg + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code sig} is a valid, canonically encoded signature by {@code key} over
     * {@code payload}. This is the one place signatures are checked, so it is also where a
     * verifier that throws (a JDK or BouncyCastle exception on input it did not expect) is
     * turned into what it means: the signature was not accepted. It never throws.
     */
    public static boolean verify(PublicKeyRef key, SignatureAlg alg, byte[] payload, byte[] sig) {
        try {
            return VERIFIED.verify(key, alg, payload, sig, Signer::verifyOnce);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean verifyOnce(PublicKeyRef key, SignatureAlg alg, byte[] payload, byte[] sig) {
        try {
            return key.type() == alg.keyType() && wellFormed(key, alg, sig) && verifies(key, alg, payload, sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean verifies(PublicKeyRef key, SignatureAlg alg, byte[] payload, byte[] sig)
            throws GeneralSecurityException {
        if (alg == SignatureAlg.ED25519) {
            return FastVerify.ed25519(key, payload, sig);
        }
        if (alg == SignatureAlg.ECDSA_P256_SHA256) {
            return FastVerify.ecdsaP256(key, payload, sig);
        }
        Signature s = Signature.getInstance(alg.jcaName());
        if (alg.params() != null) {
            s.setParameter(alg.params());
        }
        s.initVerify(key.key());
        s.update(payload);
        return s.verify(sig);
    }

    private static boolean wellFormed(PublicKeyRef key, SignatureAlg alg, byte[] sig) {
        switch (alg.keyType()) {
            case ED25519: {
                if (sig.length != 64) {
                    return false;
                }
                byte[] s = Arrays.copyOfRange(sig, 32, 64);
                reverse(s);
                return new BigInteger(1, s).compareTo(ED25519_L) < 0;
            }
            case EC_P256:
                return strictDerEcdsa(sig);
            default:
                return sig.length == (((RSAPublicKey) key.key()).getModulus().bitLength() + 7) / 8;
        }
    }

    private static boolean strictDerEcdsa(byte[] sig) {
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(sig));
            if (seq.size() != 2) {
                return false;
            }
            BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
            BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
            if (r.signum() <= 0 || s.signum() <= 0 || r.compareTo(P256_N) >= 0 || s.compareTo(P256_N) >= 0) {
                return false;
            }
            byte[] reencoded = new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)})
                    .getEncoded(ASN1Encoding.DER);
            return Arrays.equals(reencoded, sig);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void reverse(byte[] b) {
        for (int i = 0, j = b.length - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
    }

    private static void requireMatch(KeyType type, SignatureAlg alg) {
        if (type != alg.keyType()) {
            throw new CscsException(ErrorCode.USAGE, "a " + type.label() + " key cannot sign with " + alg);
        }
    }
}
