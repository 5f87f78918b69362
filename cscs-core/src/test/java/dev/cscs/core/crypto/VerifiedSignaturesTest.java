package dev.cscs.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A signature is verified once per process, and an answer is never reused for other input. */
class VerifiedSignaturesTest {
    final PrivateKeyRef key = KeyGen.generate("ed25519");
    final PrivateKeyRef other = KeyGen.generate("ed25519");
    final byte[] payload = "the payload".getBytes(StandardCharsets.UTF_8);
    final byte[] sig = Signer.sign(key, SignatureAlg.ED25519, payload);
    final AtomicInteger verified = new AtomicInteger();
    final VerifiedSignatures.Verifier counting = (k, alg, p, s) -> {
        verified.incrementAndGet();
        return Signer.verify(k, alg, p, s);
    };

    @Test
    void aValidSignatureIsVerifiedOnceHoweverOftenItIsChecked() {
        VerifiedSignatures cache = new VerifiedSignatures(16);
        for (int i = 0; i < 5; i++) {
            assertThat(cache.verify(key.publicKey(), SignatureAlg.ED25519, payload, sig, counting)).isTrue();
        }
        assertThat(verified).hasValue(1);
    }

    @Test
    void anotherPayloadKeyOrSignatureIsVerifiedAfreshAndRefused() {
        VerifiedSignatures cache = new VerifiedSignatures(16);
        cache.verify(key.publicKey(), SignatureAlg.ED25519, payload, sig, counting);
        byte[] tamperedSig = sig.clone();
        tamperedSig[5] ^= 1;
        byte[] tamperedPayload = "the payloaD".getBytes(StandardCharsets.UTF_8);

        assertThat(cache.verify(key.publicKey(), SignatureAlg.ED25519, payload, tamperedSig, counting)).isFalse();
        assertThat(cache.verify(key.publicKey(), SignatureAlg.ED25519, tamperedPayload, sig, counting)).isFalse();
        assertThat(cache.verify(other.publicKey(), SignatureAlg.ED25519, payload, sig, counting)).isFalse();
        assertThat(verified).hasValue(4);
    }

    @Test
    void aRefusalIsNotRememberedSoItIsCheckedEveryTime() {
        VerifiedSignatures cache = new VerifiedSignatures(16);
        byte[] forged = new byte[64];
        for (int i = 0; i < 3; i++) {
            assertThat(cache.verify(key.publicKey(), SignatureAlg.ED25519, payload, forged, counting)).isFalse();
        }
        assertThat(verified).hasValue(3);
    }

    @Test
    void theLeastRecentlyUsedAnswerIsForgottenFirst() {
        VerifiedSignatures cache = new VerifiedSignatures(1);
        byte[] second = "second".getBytes(StandardCharsets.UTF_8);
        byte[] secondSig = Signer.sign(key, SignatureAlg.ED25519, second);
        cache.verify(key.publicKey(), SignatureAlg.ED25519, payload, sig, counting);
        cache.verify(key.publicKey(), SignatureAlg.ED25519, second, secondSig, counting);
        cache.verify(key.publicKey(), SignatureAlg.ED25519, payload, sig, counting);
        assertThat(verified).hasValue(3);
    }
}
