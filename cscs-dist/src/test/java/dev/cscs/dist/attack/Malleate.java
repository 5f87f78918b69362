package dev.cscs.dist.attack;

import dev.cscs.core.model.Signature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

/** Second encodings of valid signatures: Ed25519 S+L, and the other ECDSA S of the (r, s) / (r, n-s) pair. */
final class Malleate {
    static final BigInteger ED25519_L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    static final BigInteger P256_N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

    private Malleate() {
    }

    /** The Ed25519 signature with S replaced by S+L: the same curve equation holds, only the encoding is non-canonical. */
    static Signature ed25519PlusL(Signature s) {
        byte[] sig = s.bytes();
        byte[] le = Arrays.copyOfRange(sig, 32, 64);
        BigInteger big = new BigInteger(1, reverse(le)).add(ED25519_L);
        if (big.bitLength() > 256) {
            throw new IllegalStateException("S+L does not fit 32 bytes");
        }
        byte[] be = big.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        byte[] forged = sig.clone();
        System.arraycopy(out, 0, forged, 32, 32);
        return Signature.of(s.keyid(), s.alg(), forged);
    }

    static BigInteger ecdsaS(Signature s) {
        return ASN1Integer.getInstance(ASN1Sequence.getInstance(s.bytes()).getObjectAt(1)).getValue();
    }

    static boolean isHighS(Signature s) {
        return ecdsaS(s).compareTo(P256_N.shiftRight(1)) > 0;
    }

    /** (r, s) → (r, n - s): the other valid ECDSA signature of the same message. */
    static Signature ecdsaFlip(Signature s) {
        ASN1Sequence seq = ASN1Sequence.getInstance(s.bytes());
        BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
        BigInteger sv = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
        try {
            byte[] der = new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(P256_N.subtract(sv))})
                    .getEncoded(ASN1Encoding.DER);
            return Signature.of(s.keyid(), s.alg(), der);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }
}
