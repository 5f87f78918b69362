package dev.cscs.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Signature verification never throws: a verifier exception means the signature was not
 * accepted. The keys here are ones the load-time checks refuse, built around them, so the
 * one verification point is tested on its own.
 */
class VerifierExceptionTest {
    private static final byte[] PAYLOAD = "cscs".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSmallOrderEd25519KeyThatMakesBouncyCastleThrowIsARefusedSignature() {
        for (String point : WeakKeys.ED25519_SMALL_ORDER) {
            PublicKeyRef weak = WeakKeys.unchecked(WeakKeys.ed25519Spki(point));
            assertThat(Signer.verify(weak, SignatureAlg.ED25519, PAYLOAD, new byte[64])).as(point).isFalse();
        }
    }

    @Test
    void anEcdsaKeyOffTheCurveThatMakesBouncyCastleThrowIsARefusedSignature() {
        byte[] point = new byte[65];
        point[0] = 4;
        point[32] = 1;
        point[64] = 1;
        PublicKeyRef offCurve = WeakKeys.unchecked(WeakKeys.ecSpki(point));
        byte[] sig = Signer.sign(KeyGen.generate("ecdsa-p256"), SignatureAlg.ECDSA_P256_SHA256, PAYLOAD);
        assertThat(Signer.verify(offCurve, SignatureAlg.ECDSA_P256_SHA256, PAYLOAD, sig)).isFalse();
    }
}
