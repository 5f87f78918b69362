package dev.cscs.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.testing.TestKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

/** The malleability policy of {@link Signer}: one accepted encoding per signature where the format allows more. */
class MalleabilityTest {
    private static final byte[] PAYLOAD = "payload".getBytes(StandardCharsets.UTF_8);
    private static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final BigInteger N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

    @Test
    void ed25519WithSPlusLIsRejected() {
        PrivateKeyRef key = TestKeys.ed("malleable");
        byte[] sig = Signer.sign(key, SignatureAlg.ED25519, PAYLOAD);
        byte[] s = reverse(Arrays.copyOfRange(sig, 32, 64));
        BigInteger sPlusL = new BigInteger(1, s).add(L);
        byte[] be = sPlusL.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        byte[] forged = sig.clone();
        System.arraycopy(le, 0, forged, 32, 32);

        assertThat(Signer.verify(key.publicKey(), SignatureAlg.ED25519, PAYLOAD, sig)).isTrue();
        assertThat(sPlusL.bitLength()).isLessThanOrEqualTo(256);
        assertThat(Signer.verify(key.publicKey(), SignatureAlg.ED25519, PAYLOAD, forged)).isFalse();
    }

    @Test
    void ecdsaHighSIsAcceptedBecauseOpensslProducesIt() throws Exception {
        PrivateKeyRef key = TestKeys.named("malleable", "ecdsa-p256");
        byte[] sig = Signer.sign(key, SignatureAlg.ECDSA_P256_SHA256, PAYLOAD);
        ASN1Sequence seq = ASN1Sequence.getInstance(sig);
        BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
        BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
        byte[] flipped = new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(N.subtract(s))})
                .getEncoded(ASN1Encoding.DER);

        assertThat(Signer.verify(key.publicKey(), SignatureAlg.ECDSA_P256_SHA256, PAYLOAD, sig)).isTrue();
        assertThat(Signer.verify(key.publicKey(), SignatureAlg.ECDSA_P256_SHA256, PAYLOAD, flipped)).isTrue();
    }

    @Test
    void ecdsaNonDerEncodingsAreRejected() {
        PrivateKeyRef key = TestKeys.named("malleable", "ecdsa-p256");
        byte[] sig = Signer.sign(key, SignatureAlg.ECDSA_P256_SHA256, PAYLOAD);
        // BER long-form length for the outer sequence: same values, another encoding.
        byte[] ber = new byte[sig.length + 1];
        ber[0] = 0x30;
        ber[1] = (byte) 0x81;
        ber[2] = sig[1];
        System.arraycopy(sig, 2, ber, 3, sig.length - 2);
        assertThat(Signer.verify(key.publicKey(), SignatureAlg.ECDSA_P256_SHA256, PAYLOAD, ber)).isFalse();
        byte[] trailing = Arrays.copyOf(sig, sig.length + 1);
        assertThat(Signer.verify(key.publicKey(), SignatureAlg.ECDSA_P256_SHA256, PAYLOAD, trailing)).isFalse();
    }

    private static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }
}
