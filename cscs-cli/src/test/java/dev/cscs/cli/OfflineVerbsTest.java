package dev.cscs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.testing.Proc;
import dev.cscs.core.trust.JoinToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The newcomer's offline path: keygen, trust init, sign, cosign, verify, and signing with openssl. */
class OfflineVerbsTest {
    @TempDir
    Path dir;
    String genesisDigest;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @BeforeEach
    void cluster() {
        for (String k : List.of("root1", "root2", "fa1", "fa2", "global")) {
            CliRun.of("keygen", "--out", p(k), "--no-passphrase").ok();
        }
        genesisDigest = CliRun.of("trust", "init", "--root", p("root1.pub"), "--root", p("root2.pub"), "--threshold", "2",
                "--domain", "factory-a=" + p("fa1.pub") + "," + p("fa2.pub") + ":2", "--domain", "global=" + p("global.pub"),
                "--scope", "factory-a=yum,sysctl", "--sign-with", p("root1.key"), "--sign-with", p("root2.key"),
                "--out", p("genesis.json")).ok().out().trim();
        assertThat(genesisDigest).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void aChangesetSignedByTheThresholdVerifiesAndOneChangedByteExits3WithTheReason() throws Exception {
        CliRun.of("sign", "--domain", "factory-a", "--put", "sysctl/net.ipv4.ip_forward={\"value\":\"0\"}",
                "--seq", "1", "--prev", genesisDigest, "--sign-with", p("fa1.key"), "--out", p("cs.json")).ok();
        CliRun below = CliRun.of("verify", p("cs.json"), "--genesis", p("genesis.json"));
        assertThat(below.exit()).isEqualTo(3);
        assertThat(below.out()).contains("below-threshold");

        CliRun.of("cosign", p("cs.json"), "--sign-with", p("fa2.key")).ok();
        CliRun ok = CliRun.of("verify", p("cs.json"), "--genesis", p("genesis.json")).ok();
        assertThat(ok.out()).contains("valid: factory-a seq 1").contains("signed by 2");

        String json = Files.readString(dir.resolve("cs.json"));
        Files.writeString(dir.resolve("tampered.json"), json.replace("\"0\"", "\"1\""));
        CliRun tampered = CliRun.of("verify", p("tampered.json"), "--genesis", p("genesis.json"));
        assertThat(tampered.exit()).isEqualTo(3);
        assertThat(tampered.out()).contains("bad-signature").contains("does not verify");
    }

    @Test
    void outsideTheScopeOrTheChainIsRejected() {
        CliRun.of("sign", "--domain", "factory-a", "--put", "firewall/main={\"policy\":\"drop\"}", "--seq", "1",
                "--prev", genesisDigest, "--sign-with", p("fa1.key"), "--sign-with", p("fa2.key"), "--out", p("fw.json")).ok();
        CliRun scope = CliRun.of("verify", p("fw.json"), "--genesis", p("genesis.json"));
        assertThat(scope.exit()).isEqualTo(3);
        assertThat(scope.out()).contains("out-of-scope");

        CliRun.of("sign", "--domain", "global", "--delete", "sshd/main", "--seq", "1", "--prev", genesisDigest,
                "--sign-with", p("global.key"), "--out", p("g.json")).ok();
        CliRun wrongHead = CliRun.of("verify", p("g.json"), "--genesis", p("genesis.json"), "--head", "1:" + genesisDigest);
        assertThat(wrongHead.exit()).isEqualTo(3);
        assertThat(wrongHead.out()).contains("wrong-seq");
    }

    @Test
    void aSignatureMadeByOpensslOverThePrintedPayloadIsAttachedAndVerifies() throws Exception {
        Proc.run(List.of("openssl", "genpkey", "-algorithm", "ed25519", "-out", p("hsm.pem"))).requireOk();
        Proc.run(List.of("openssl", "pkey", "-in", p("hsm.pem"), "-pubout", "-out", p("hsm.pub"))).requireOk();
        String digest = CliRun.of("trust", "init", "--root", p("root1.pub"), "--domain", "global=" + p("hsm.pub"),
                "--sign-with", p("root1.key"), "--out", p("g2.json")).ok().out().trim();

        CliRun payload = CliRun.of("sign", "--domain", "global", "--put", "sshd/main={\"settings\":{\"PermitRootLogin\":\"no\"}}",
                "--seq", "1", "--prev", digest, "--out", p("cs.json"), "--print-payload").ok();
        assertThat(new String(payload.rawOut(), StandardCharsets.UTF_8)).startsWith("cscs-changeset-v1\n{");
        Files.write(dir.resolve("payload.bin"), payload.rawOut());
        Proc.run(List.of("openssl", "pkeyutl", "-sign", "-rawin", "-inkey", p("hsm.pem"), "-in", p("payload.bin"),
                "-out", p("sig.bin"))).requireOk();

        CliRun.of("attach-signature", p("cs.json"), "--pub", p("hsm.pub"), "--sig", p("sig.bin")).ok();
        assertThat(CliRun.of("verify", p("cs.json"), "--genesis", p("g2.json")).ok().out()).contains("valid: global seq 1");

        CliRun wrong = CliRun.of("attach-signature", p("cs.json"), "--pub", p("root1.pub"), "--sig", p("sig.bin"));
        assertThat(wrong.exit()).isEqualTo(3);
        assertThat(wrong.err()).contains("bad-signature");
    }

    @Test
    void encryptedKeysTakeTheirPassphraseFromAFile() throws Exception {
        Files.writeString(dir.resolve("pass"), "s3cret\n");
        CliRun gen = CliRun.of("keygen", "--out", p("enc"), "--passphrase-file", p("pass")).ok();
        assertThat(Files.readString(dir.resolve("enc.key"))).contains("ENCRYPTED PRIVATE KEY");
        Files.writeString(dir.resolve("wrong"), "nope");
        CliRun bad = CliRun.of("sign", "--domain", "global", "--delete", "sshd/x", "--seq", "1", "--prev", genesisDigest,
                "--sign-with", p("enc.key"), "--passphrase-file", p("wrong"), "--out", p("x.json"));
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("bad-passphrase").doesNotContain("nope");
        assertThat(gen.out().trim()).matches("[0-9a-f]{64}");
    }

    @Test
    void usageErrorsExit2AndJsonOutputIsJson() {
        assertThat(CliRun.of("sign", "--domain", "global").exit()).isEqualTo(2);
        assertThat(CliRun.of("frobnicate").exit()).isEqualTo(2);
        CliRun json = CliRun.of("verify", p("genesis.json"), "--genesis", p("genesis.json"), "-o", "json").ok();
        assertThat(json.out()).contains("\"valid\" : true").contains("\"domain\" : \"_trust\"");
        CliRun noFile = CliRun.of("verify", p("missing.json"), "--genesis", p("genesis.json"), "-o", "json");
        assertThat(noFile.exit()).isEqualTo(1);
        assertThat(noFile.err()).contains("\"code\" : \"io\"");
    }

    @Test
    void signingWithoutAPositionNeedsAReachableEndpoint() {
        CliRun r = CliRun.of("sign", "--domain", "global", "--delete", "sshd/x", "--sign-with", p("global.key"),
                "--out", p("x.json"), "--endpoint", "http://127.0.0.1:1");
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.err()).contains("cannot reach").contains("give --seq and --prev");
    }

    @Test
    void everyVerbsHelpHasAnExample() {
        for (String verb : List.of("keygen", "trust", "sign", "cosign", "attach-signature", "verify")) {
            assertThat(CliRun.of(verb, "--help").ok().out()).as(verb).containsPattern("Examples?:");
        }
        assertThat(CliRun.of("trust", "init", "--help").ok().out()).contains("Examples:");
    }

    @Test
    void aProvisionedDevicesLabelsAreSignedInItsTokenAndABadLabelIsAUsageError() throws Exception {
        CliRun.of("ca", "init", "--out", p("ca"), "--no-passphrase").ok();
        CliRun.of("node", "provision", "edge1", "--role", "agent", "--domains", "global", "--labels", "ring=canary,site=plant-b",
                "--join", "https://127.0.0.1:7400", "--ca", p("ca"), "--genesis", p("genesis.json"), "--sign-with", p("root1.key"),
                "--sign-with", p("root2.key"), "--out", p("edge1")).ok();
        JoinToken token = JoinToken.parse(Files.readAllBytes(dir.resolve("edge1/join.token")));
        assertThat(token.labels().toString()).isEqualTo("ring=canary,site=plant-b");

        CliRun bad = CliRun.of("node", "provision", "edge2", "--role", "agent", "--labels", "ring=can ary", "--join",
                "https://127.0.0.1:7400", "--ca", p("ca"), "--genesis", p("genesis.json"), "--sign-with", p("root1.key"),
                "--sign-with", p("root2.key"), "--out", p("edge2"));
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--labels ring: \"can ary\" is not a label value");
        assertThat(dir.resolve("edge2")).doesNotExist();
    }
}
