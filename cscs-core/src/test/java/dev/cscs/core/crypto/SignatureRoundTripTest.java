package dev.cscs.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignatureRoundTripTest {
    private static final byte[] PAYLOAD = "cscs-changeset-v1\n{\"x\":1}".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "{1} with a {0} key")
    @CsvSource({"ed25519,ed25519", "ecdsa-p256,ecdsa-p256-sha256", "rsa-2048,rsa-pkcs1-sha256", "rsa-2048,rsa-pss-sha256"})
    void aSignatureVerifiesOverItsPayloadOnly(String keySpec, String algName) {
        PrivateKeyRef key = TestKeys.named("roundtrip", keySpec);
        SignatureAlg alg = SignatureAlg.fromWire(algName);

        byte[] sig = Signer.sign(key, alg, PAYLOAD);

        assertThat(Signer.verify(key.publicKey(), alg, PAYLOAD, sig)).isTrue();
        byte[] other = PAYLOAD.clone();
        other[other.length - 2] ^= 1;
        assertThat(Signer.verify(key.publicKey(), alg, other, sig)).isFalse();
        PrivateKeyRef stranger = TestKeys.named("stranger", keySpec);
        assertThat(Signer.verify(stranger.publicKey(), alg, PAYLOAD, sig)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"ed25519", "ecdsa-p256", "rsa-2048"})
    void theDerivedPublicKeyIsTheGeneratedOne(String keySpec) {
        PrivateKeyRef key = TestKeys.named("derive", keySpec);
        assertThat(PublicKeys.fromSpki(key.publicKey().spki()).keyid()).isEqualTo(key.keyid());
        assertThat(key.keyid()).hasSize(64).matches("[0-9a-f]+");
    }

    @ParameterizedTest
    @CsvSource({"ed25519,rsa-pkcs1-sha256", "rsa-2048,ed25519", "ecdsa-p256,rsa-pss-sha256"})
    void aSignatureNeverVerifiesUnderAnotherAlgorithm(String keySpec, String algName) {
        PrivateKeyRef key = TestKeys.named("roundtrip", keySpec);
        SignatureAlg own = SignatureAlg.defaultFor(key.type());
        byte[] sig = Signer.sign(key, own, PAYLOAD);
        assertThat(Signer.verify(key.publicKey(), SignatureAlg.fromWire(algName), PAYLOAD, sig)).isFalse();
    }
}
