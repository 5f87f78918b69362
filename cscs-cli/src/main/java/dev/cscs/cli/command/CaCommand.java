package dev.cscs.cli.command;

import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.cli.CliFiles;
import dev.cscs.cli.LocalOptions;
import dev.cscs.cli.Passphrases;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.tls.ClusterCa;
import dev.cscs.core.tls.Pem;
import dev.cscs.core.tls.TlsMaterial;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ca", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"The cluster CA: it issues the certificates nodes and API clients present (mutual TLS).",
            "Trust in configuration never comes from these certificates; they only decide who may talk to whom."},
        subcommands = {CaCommand.Init.class, CaCommand.Issue.class},
        footer = {"", "Examples:",
            "  cscs ca init --out /secure/ca            # ca.key (encrypted) and ca.pem",
            "  # a node certificate: n1.key and n1.pem",
            "  cscs ca issue n1 --ca /secure/ca --ip 10.0.0.1 --dns n1.fleet --out n1",
            "  # an operator's client certificate",
            "  cscs ca issue alice --client --ca /secure/ca --out alice",
            "  # the same, and alice.p12 to import into a browser for the dashboard",
            "  cscs ca issue alice --client --p12 --ca /secure/ca --out alice"})
public final class CaCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: init or issue");
    }

    @Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false, description = "Create the cluster CA key and certificate.",
            footer = {"", "Example:", "  cscs ca init --out /secure/ca --name 'fleet CA'"})
    static final class Init implements Runnable {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for ca.key and ca.pem.")
        Path out;

        @Option(names = "--name", defaultValue = "cscs cluster CA", description = "The CA's common name.")
        String name;

        @Option(names = "--days", defaultValue = "3650", description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--no-passphrase", description = "Store the CA key unencrypted (not recommended).")
        boolean noPassphrase;

        @Mixin
        LocalOptions global;

        @Override
        public void run() {
            CliFiles.createDirectory(out);
            PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
            X509Certificate cert = ClusterCa.selfSigned(key, name, Instant.now(), Duration.ofDays(days));
            char[] pass = noPassphrase ? null : Passphrases.forNewKey(global.passphraseFileOrNull());
            try {
                KeyFiles.writePrivate(out.resolve("ca.key"), key, pass);
            } finally {
                if (pass != null) {
                    Arrays.fill(pass, '\0');
                }
            }
            Pem.writeCertificates(out.resolve("ca.pem"), List.of(cert));
            global.printer().note("wrote " + out.resolve("ca.key") + " (keep it offline) and " + out.resolve("ca.pem")
                    + " (give it to every node and client)");
            global.printer().result(Printer.object().put("ca", out.resolve("ca.pem").toString())
                    .put("notAfter", cert.getNotAfter().toInstant().toString()), out.resolve("ca.pem").toString());
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Issue a certificate for a node (with IP/DNS names peers dial) or, with --client, for an API client.",
                "Writes PREFIX.key (unencrypted, mode 0600: the daemon reads it at boot) and PREFIX.pem; with --client --p12",
                "also PREFIX.p12 (passphrase-protected, mode 0600), to import into a browser for the dashboard. Keys are ECDSA P-256."},
            footer = {"", "Examples:", "  cscs ca issue n2 --ca /secure/ca --ip 10.0.0.2 --out /etc/cscs/node",
                "  # also alice.p12: import it into the browser for the dashboard",
                "  cscs ca issue alice --client --p12 --ca /secure/ca --out alice"})
    static final class Issue implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME", description = "The node id (or client name): the certificate's CN.")
        String name;

        @Option(names = "--ca", required = true, paramLabel = "DIR", description = "The CA directory (ca.key, ca.pem).")
        Path ca;

        @Option(names = "--ip", paramLabel = "ADDR", description = "An IP address the node is reached at (repeat).")
        List<String> ips = new ArrayList<>();

        @Option(names = "--dns", paramLabel = "NAME", description = "A DNS name the node is reached at (repeat).")
        List<String> dns = new ArrayList<>();

        @Option(names = "--client", description = "A client certificate (no addresses needed).")
        boolean client;

        @Option(names = "--days", defaultValue = "825", description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--p12", description = "With --client: also write PREFIX.p12 (PKCS#12: the key, the certificate and the CA "
                + "certificate as its chain, mode 0600), to import into a browser for the dashboard at https://NODE:PORT/ui/. "
                + "The key is ECDSA P-256, which browsers accept for client certificates (they refuse Ed25519).")
        boolean p12;

        @Option(names = "--p12-passphrase-file", paramLabel = "FILE", description = "With --p12: read the passphrase for PREFIX.p12 "
                + "from FILE (else env " + Passphrases.P12_ENV + ", else asked twice). Never --passphrase-file or " + Passphrases.ENV
                + ": they unlock the CA key.")
        Path p12PassphraseFile;

        @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "Write PREFIX.key and PREFIX.pem (and PREFIX.p12 with --p12).")
        Path out;

        @Mixin
        LocalOptions global;

        @Override
        public void run() {
            if (p12 && !client) {
                throw new CscsException(ErrorCode.USAGE, "--p12 needs --client: " + out + ".p12 is for a browser to present a "
                        + "client certificate to the dashboard, and without --client this is a node certificate; add --client "
                        + "(cscs ca issue " + name + " --client --p12 --ca " + ca + " --out " + out + ")");
            }
            if (p12PassphraseFile != null && !p12) {
                throw new CscsException(ErrorCode.USAGE, "--p12-passphrase-file is the passphrase of " + out + ".p12, which only --p12 "
                        + "writes: add --p12 (with --client), or drop --p12-passphrase-file");
            }
            Path keyFile = Path.of(out + ".key");
            Path pemFile = Path.of(out + ".pem");
            Path p12File = Path.of(out + ".p12");
            // before anything is asked or written, so a refusal leaves no half-issued set
            refuseExisting(keyFile, "a key");
            refuseExisting(pemFile, "it");
            if (p12) {
                refuseExisting(p12File, "a key");
            }
            PrivateKeyRef caKey = KeyArgs.signer(ca.resolve("ca.key"), global);
            X509Certificate caCert = TlsMaterial.readCertificates(ca.resolve("ca.pem")).get(0);
            // ECDSA P-256 for every certificate: browsers (Chromium) refuse Ed25519 client certificates
            PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
            X509Certificate cert = client
                    ? ClusterCa.issueClient(caKey, caCert, name, key.publicKey(), Instant.now(), Duration.ofDays(days))
                    : ClusterCa.issue(caKey, caCert, name, key.publicKey(), ips, dns, Instant.now(), Duration.ofDays(days));
            byte[] bundle = null;
            if (p12) {
                char[] pass = Passphrases.forNewP12(p12PassphraseFile, p12File);
                try {
                    bundle = pkcs12(name, key, cert, caCert, pass);
                } finally {
                    Arrays.fill(pass, '\0');
                }
            }
            CliFiles.createParent(keyFile);
            KeyFiles.writePrivate(keyFile, key, null);
            Pem.writeCertificates(pemFile, List.of(cert));
            if (bundle != null) {
                try {
                    writeSecret(p12File, bundle);
                } finally {
                    Arrays.fill(bundle, (byte) 0);
                }
            }
            global.printer().note("wrote " + keyFile + " (mode 0600)" + (p12 ? ", " + pemFile + " and " + p12File
                    + " (mode 0600; import it into the browser for the dashboard)" : " and " + pemFile)
                    + ", valid until " + cert.getNotAfter().toInstant());
            var result = Printer.object().put("cert", pemFile.toString()).put("key", keyFile.toString());
            if (p12) {
                result.put("p12", p12File.toString());
            }
            global.printer().result(result.put("keyid", key.keyid()), pemFile.toString());
        }

        private static void refuseExisting(Path file, String what) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new CscsException(ErrorCode.IO, file + " already exists; refusing to overwrite " + what);
            }
        }

        /**
         * A PKCS#12 bundle: the key under {@code alias} (the friendly name; the JDK keeps aliases in
         * lowercase, as node ids and client names already are) with the certificate and the CA
         * certificate as its chain. The JDK 17 defaults protect it: PBES2 (PBKDF2-HMAC-SHA256,
         * AES-256-CBC) for the key and the certificates, an HMAC-SHA256 MAC, 10,000 iterations.
         */
        private static byte[] pkcs12(String alias, PrivateKeyRef key, X509Certificate cert, X509Certificate caCert, char[] pass) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry(alias, key.jcaKey(), pass, new Certificate[] {cert, caCert});
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ks.store(bytes, pass);
                return bytes.toByteArray();
            } catch (GeneralSecurityException | IOException e) {
                throw new CscsException(ErrorCode.INTERNAL, "cannot build the PKCS#12 bundle: " + e.getMessage(), e);
            }
        }

        /**
         * Writes a secret file crash-safely: a mode 0600 temp file beside it, fsynced, renamed into
         * place, the directory fsynced. Into the real directory: {@link AtomicFiles} refuses to
         * rename through a linked one, and an operator's {@code --out} may well pass one.
         */
        private static void writeSecret(Path file, byte[] content) {
            Path target;
            try {
                target = file.toAbsolutePath().getParent().toRealPath().resolve(file.getFileName());
            } catch (IOException e) {
                throw new CscsException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage(), e);
            }
            AtomicFiles.commit(AtomicFiles.stage(target, content, PosixFilePermissions.fromString("rw-------")), target);
        }
    }
}
