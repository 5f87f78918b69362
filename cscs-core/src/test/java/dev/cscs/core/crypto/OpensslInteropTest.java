package dev.cscs.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Signature;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Proc;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keys made by {@code openssl genpkey} load, and signatures made by {@code openssl pkeyutl} over the payload verify. */
class OpensslInteropTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource({
        "ed25519,ed25519,-algorithm ed25519,",
        "ecdsa,ecdsa-p256-sha256,-algorithm EC -pkeyopt ec_paramgen_curve:P-256,-digest sha256",
        "rsa,rsa-pkcs1-sha256,-algorithm RSA -pkeyopt rsa_keygen_bits:2048,-digest sha256",
        "rsa-pss,rsa-pss-sha256,-algorithm RSA -pkeyopt rsa_keygen_bits:2048,-digest sha256 -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:digest"
    })
    void anOpensslKeyLoadsAndItsSignatureOverThePayloadVerifies(String name, String alg, String genArgs, String signArgs)
            throws Exception {
        Path key = dir.resolve(name + ".pem");
        Path pub = dir.resolve(name + ".pub");
        List<String> gen = new ArrayList<>(List.of("openssl", "genpkey"));
        gen.addAll(List.of(genArgs.split(" ")));
        gen.addAll(List.of("-out", key.toString()));
        Proc.run(gen).requireOk();
        Proc.run(List.of("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString())).requireOk();
        Proc.run(List.of("openssl", "pkey", "-in", key.toString(), "-pubout", "-outform", "DER", "-out", dir.resolve("pub.der").toString())).requireOk();

        PrivateKeyRef priv = KeyFiles.readPrivate(key, PassphraseSource.NONE);
        PublicKeyRef publicKey = KeyFiles.readPublic(pub);
        assertThat(priv.keyid()).isEqualTo(publicKey.keyid());
        String sha = Proc.run(List.of("sha256sum", dir.resolve("pub.der").toString())).requireOk().out().split(" ")[0];
        assertThat(publicKey.keyid()).isEqualTo(sha);

        SignatureAlg sigAlg = SignatureAlg.fromWire(alg);
        TrustPolicy policy = new PolicyBuilder()
                .roots(1, List.of(Chains.root().publicKey()))
                .operators(1, List.of(Chains.root().publicKey()))
                .key(publicKey, sigAlg)
                .domain("factory-a", 1, List.of(publicKey), null)
                .build();
        ChainState state = ChainState.fromGenesis(Signing.genesis(policy, Chains.T0, List.of(Chains.root()), null), null);
        Changeset cs = Chains.next(state, "factory-a", Chains.put("sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}"));
        Path payload = dir.resolve("payload.bin");
        Files.write(payload, ChangesetCodec.signingPayload(cs.body()));
        Path sig = dir.resolve("sig.bin");
        List<String> sign = new ArrayList<>(List.of("openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key.toString(),
                "-in", payload.toString(), "-out", sig.toString()));
        if (signArgs != null) {
            sign.addAll(List.of(signArgs.split(" ")));
        }
        Proc.run(sign).requireOk();

        Changeset signed = cs.withSignature(Signature.of(publicKey.keyid(), sigAlg, Files.readAllBytes(sig)));
        assertThat(state.check(signed).signers()).containsExactly(publicKey.keyid());

        // and the other way round: openssl verifies what CSCS signs
        Files.write(sig, Signer.sign(priv, sigAlg, Files.readAllBytes(payload)));
        List<String> verify = new ArrayList<>(List.of("openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey",
                pub.toString(), "-in", payload.toString(), "-sigfile", sig.toString()));
        if (signArgs != null) {
            verify.addAll(List.of(signArgs.split(" ")));
        }
        assertThat(Proc.run(verify).requireOk().out()).contains("Signature Verified Successfully");
    }

    @ParameterizedTest
    @CsvSource({"-algorithm ed25519", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"})
    void anOpensslKeyEncryptedWithAes256Loads(String genArgs) {
        Path key = dir.resolve("enc.pem");
        List<String> gen = new ArrayList<>(List.of("openssl", "genpkey"));
        gen.addAll(List.of(genArgs.split(" ")));
        gen.addAll(List.of("-aes256", "-pass", "pass:s3cret", "-out", key.toString()));
        Proc.run(gen).requireOk();
        assertThat(KeyFiles.readPrivate(key, w -> "s3cret".toCharArray()).keyid()).hasSize(64);
    }

    @ParameterizedTest
    @CsvSource({"ed25519", "ecdsa-p256"})
    void opensslReadsTheEncryptedKeysCscsWrites(String spec) {
        PrivateKeyRef key = KeyGen.generate(spec);
        Path file = dir.resolve("cscs.key");
        KeyFiles.writePrivate(file, key, "pw".toCharArray());
        Proc.run(List.of("openssl", "pkey", "-in", file.toString(), "-passin", "pass:pw", "-pubout", "-outform", "DER",
                "-out", dir.resolve("p.der").toString())).requireOk();
        String sha = Proc.run(List.of("sha256sum", dir.resolve("p.der").toString())).requireOk().out().split(" ")[0];
        assertThat(sha).isEqualTo(key.keyid());
    }
}
