package dev.cscs.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cscs.cli.Cli;
import dev.cscs.cli.CliRun;
import dev.cscs.cli.Passphrases;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.PassphraseSource;
import dev.cscs.core.testing.Proc;
import dev.cscs.core.tls.TlsMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cscs ca issue --client --p12}: a PKCS#12 bundle for a browser, to open the dashboard with a client certificate. */
class CaCommandP12Test {
    private static final String PASS = "correct horse battery staple";

    @TempDir
    Path dir;
    Path ca;
    Path passFile;

    @BeforeEach
    void aCa() throws IOException {
        ca = dir.resolve("ca");
        CliRun.of("ca", "init", "--out", ca.toString(), "--no-passphrase").ok();
        passFile = Files.writeString(dir.resolve("p12pass"), PASS + "\n");
    }

    private CliRun issueAlice(String... extra) {
        List<String> args = new ArrayList<>(List.of("ca", "issue", "alice", "--client", "--p12", "--ca", ca.toString(),
                "--out", dir.resolve("alice").toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static KeyStore load(Path file, String pass) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, pass.toCharArray());
        }
        return ks;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theP12LoadsWithItsPassphraseAndHoldsTheKeyOfTheCertificateWithTheCaAsChain() throws Exception {
        CliRun r = issueAlice("--p12-passphrase-file", passFile.toString(), "-o", "json").ok();
        assertThat(r.out()).contains("\"p12\"").contains("alice.p12");
        assertThat(r.out() + r.err()).doesNotContain(PASS);

        KeyStore ks = load(dir.resolve("alice.p12"), PASS);
        assertThat(Collections.list(ks.aliases())).containsExactly("alice");
        assertThat(ks.isKeyEntry("alice")).isTrue();
        Key key = ks.getKey("alice", PASS.toCharArray());
        assertThat(key).isInstanceOf(ECPrivateKey.class);
        assertThat(((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        // the same key as alice.key, and the certificates as alice.pem and ca.pem
        PrivateKey fromKeyFile = KeyFiles.readPrivate(dir.resolve("alice.key"), PassphraseSource.NONE).jcaKey();
        assertThat(key.getEncoded()).isEqualTo(fromKeyFile.getEncoded());

        Certificate[] chain = ks.getCertificateChain("alice");
        X509Certificate caCert = TlsMaterial.readCertificates(ca.resolve("ca.pem")).get(0);
        X509Certificate aliceCert = TlsMaterial.readCertificates(dir.resolve("alice.pem")).get(0);
        assertThat(chain).hasSize(2);
        assertThat(chain[0]).isEqualTo(aliceCert);
        assertThat(chain[1]).isEqualTo(caCert);
        assertThat(((X509Certificate) chain[0]).getSubjectX500Principal().getName()).contains("CN=alice");
        chain[0].verify(chain[1].getPublicKey());

        // the private key belongs to the certificate: what it signs, the certificate's public key verifies
        byte[] data = "dashboard".getBytes(StandardCharsets.UTF_8);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign((PrivateKey) key);
        s.update(data);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(chain[0].getPublicKey());
        v.update(data);
        assertThat(v.verify(sig)).isTrue();
    }

    @Test
    void aWrongPassphraseDoesNotLoadTheP12() throws Exception {
        issueAlice("--p12-passphrase-file", passFile.toString()).ok();
        Path p12 = dir.resolve("alice.p12");
        assertThatThrownBy(() -> load(p12, "wrong passphrase")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> load(p12, "")).isInstanceOf(IOException.class);
        assertThat(load(p12, PASS).isKeyEntry("alice")).isTrue();
    }

    @Test
    void p12WithoutClientIsAUsageErrorNamingClientAndWritesNothing() throws Exception {
        List<String> before = names();
        CliRun r = CliRun.of("ca", "issue", "n1", "--p12", "--ip", "10.0.0.1", "--ca", ca.toString(),
                "--out", dir.resolve("n1").toString(), "--p12-passphrase-file", passFile.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--p12 needs --client").contains("without --client this is a node certificate").contains("add --client");
        assertThat(names()).isEqualTo(before);

        CliRun stray = CliRun.of("ca", "issue", "bob", "--client", "--ca", ca.toString(), "--out", dir.resolve("bob").toString(),
                "--p12-passphrase-file", passFile.toString());
        assertThat(stray.exit()).isEqualTo(2);
        assertThat(stray.err()).contains("--p12-passphrase-file").contains("add --p12");
        assertThat(names()).isEqualTo(before);
    }

    @Test
    void theP12IsMode0600AndNoTempFileIsLeft() throws Exception {
        issueAlice("--p12-passphrase-file", passFile.toString()).ok();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("alice.p12")))).isEqualTo("rw-------");
        assertThat(names()).containsExactly("alice.key", "alice.p12", "alice.pem", "ca", "p12pass");
    }

    @Test
    void opensslReadsTheP12AndSeesStrongProtection() throws Exception {
        issueAlice("--p12-passphrase-file", passFile.toString()).ok();
        String p12 = dir.resolve("alice.p12").toString();
        Proc.Result certs = Proc.run(List.of("openssl", "pkcs12", "-in", p12, "-nokeys", "-passin", "file:" + passFile)).requireOk();
        assertThat(certs.out()).contains("friendlyName: alice").contains("CN = alice").contains("CN = cscs cluster CA")
                .contains("-----BEGIN CERTIFICATE-----");
        // the key and the certificates are PBES2/AES-256 with a SHA-256 MAC, not the legacy 3DES/RC2 and SHA-1
        Proc.Result info = Proc.run(List.of("openssl", "pkcs12", "-in", p12, "-info", "-noout", "-passin", "file:" + passFile))
                .requireOk();
        assertThat(info.err() + info.out()).contains("MAC: sha256")
                .contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC")
                .contains("PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC")
                .doesNotContain("3DES").doesNotContain("RC2");
        Path wrong = Files.writeString(dir.resolve("wrongpass"), "wrong\n");
        assertThat(Proc.run(List.of("openssl", "pkcs12", "-in", p12, "-nokeys", "-passin", "file:" + wrong)).exit()).isNotZero();
    }

    @Test
    void theCaKeyPassphraseIsNeverTheP12s() throws Exception {
        assumeTrue(System.getenv(Passphrases.P12_ENV) == null, Passphrases.P12_ENV + " is set in this environment");
        Path secureCa = dir.resolve("secure-ca");
        Path caPass = Files.writeString(dir.resolve("capass"), "ca passphrase\n");
        CliRun.of("ca", "init", "--out", secureCa.toString(), "--passphrase-file", caPass.toString()).ok();

        // with no --p12-passphrase-file, no variable and no terminal, the CA's passphrase file is not taken instead
        List<String> before = names();
        CliRun none = CliRun.of("ca", "issue", "alice", "--client", "--p12", "--ca", secureCa.toString(),
                "--out", dir.resolve("alice").toString(), "--passphrase-file", caPass.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("no passphrase for " + dir.resolve("alice.p12")).contains("--p12-passphrase-file")
                .contains(Passphrases.P12_ENV);
        assertThat(names()).isEqualTo(before);

        CliRun.of("ca", "issue", "alice", "--client", "--p12", "--ca", secureCa.toString(), "--out", dir.resolve("alice").toString(),
                "--passphrase-file", caPass.toString(), "--p12-passphrase-file", passFile.toString()).ok();
        assertThat(load(dir.resolve("alice.p12"), PASS).isKeyEntry("alice")).isTrue();
        assertThatThrownBy(() -> load(dir.resolve("alice.p12"), "ca passphrase")).isInstanceOf(IOException.class);
    }

    @Test
    void anOutDirectoryReachedThroughASymlinkGetsTheP12Too() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("link"), real);
        CliRun.of("ca", "issue", "alice", "--client", "--p12", "--ca", ca.toString(), "--out", dir.resolve("link/alice").toString(),
                "--p12-passphrase-file", passFile.toString()).ok();
        assertThat(load(real.resolve("alice.p12"), PASS).isKeyEntry("alice")).isTrue();
        assertThat(dir.resolve("link")).isSymbolicLink();
    }

    @Test
    void anExistingP12IsNotOverwrittenAndNothingElseIsWritten() throws Exception {
        Path p12 = Files.writeString(dir.resolve("alice.p12"), "not mine");
        CliRun r = issueAlice("--p12-passphrase-file", passFile.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(p12 + " already exists");
        assertThat(Files.readString(p12)).isEqualTo("not mine");
        assertThat(dir.resolve("alice.key")).doesNotExist();
        assertThat(dir.resolve("alice.pem")).doesNotExist();
    }

    @Test
    void theHelpShowsTheDashboardExampleOnLinesThatFitEightyColumns() {
        String help = CliRun.of("ca", "issue", "--help").ok().out();
        assertThat(help).contains("--p12").contains("--p12-passphrase-file")
                .contains("  cscs ca issue alice --client --p12 --ca /secure/ca --out alice\n");
        // as cscs-dist's HelpTest: an example wrapped by the help formatter cannot be pasted
        CommandLine caCommand = Cli.commandLine().getSubcommands().get("ca");
        for (CommandLine cl : List.of(caCommand, caCommand.getSubcommands().get("issue"))) {
            CommandLine.Model.UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
            for (String line : usage.footer()) {
                assertThat(line.length()).as(line).isLessThan(usage.width());
            }
        }
    }
}
