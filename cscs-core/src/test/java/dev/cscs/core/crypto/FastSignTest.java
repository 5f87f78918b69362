package dev.cscs.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import org.junit.jupiter.api.Test;

/** BouncyCastle's Ed25519 signatures are byte for byte the JDK's (RFC 8032 signing is deterministic). */
class FastSignTest {
    @Test
    void anEd25519SignatureIsTheOneTheJdkGivesAndVerifies() throws Exception {
        for (int i = 0; i < 20; i++) {
            PrivateKeyRef key = KeyGen.generate("ed25519");
            byte[] payload = ("payload " + i).repeat(i + 1).getBytes(StandardCharsets.UTF_8);
            Signature jdk = Signature.getInstance("Ed25519");
            jdk.initSign(key.jcaKey());
            jdk.update(payload);

            byte[] fast = Signer.sign(key, SignatureAlg.ED25519, payload);

            assertThat(fast).isEqualTo(jdk.sign());
            assertThat(Signer.verify(key.publicKey(), SignatureAlg.ED25519, payload, fast)).isTrue();
        }
    }

    @Test
    void theDecodedSigningKeyIsKeptForTheNextSignature() {
        PrivateKeyRef key = KeyGen.generate("ed25519");
        Signer.sign(key, SignatureAlg.ED25519, new byte[] {1});
        assertThat(key.fastSigner()).isNotNull();
    }
}
