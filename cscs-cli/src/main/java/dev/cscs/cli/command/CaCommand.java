package dev.cscs.cli.command;

import dev.cscs.cli.CliFiles;
import dev.cscs.cli.LocalOptions;
import dev.cscs.cli.Passphrases;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.tls.ClusterCa;
import dev.cscs.core.tls.Pem;
import dev.cscs.core.tls.TlsMaterial;
import java.nio.file.Path;
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
            "  cscs ca issue alice --client --ca /secure/ca --out alice"})
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
                "Writes PREFIX.key (unencrypted, mode 0600: the daemon reads it at boot) and PREFIX.pem."},
            footer = {"", "Example:", "  cscs ca issue n2 --ca /secure/ca --ip 10.0.0.2 --out /etc/cscs/node"})
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

        @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "Write PREFIX.key and PREFIX.pem.")
        Path out;

        @Mixin
        LocalOptions global;

        @Override
        public void run() {
            PrivateKeyRef caKey = KeyArgs.signer(ca.resolve("ca.key"), global);
            X509Certificate caCert = TlsMaterial.readCertificates(ca.resolve("ca.pem")).get(0);
            PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
            X509Certificate cert = client
                    ? ClusterCa.issueClient(caKey, caCert, name, key.publicKey(), Instant.now(), Duration.ofDays(days))
                    : ClusterCa.issue(caKey, caCert, name, key.publicKey(), ips, dns, Instant.now(), Duration.ofDays(days));
            CliFiles.createParent(Path.of(out + ".key"));
            KeyFiles.writePrivate(Path.of(out + ".key"), key, null);
            Pem.writeCertificates(Path.of(out + ".pem"), List.of(cert));
            global.printer().note("wrote " + out + ".key (mode 0600) and " + out + ".pem, valid until "
                    + cert.getNotAfter().toInstant());
            global.printer().result(Printer.object().put("cert", out + ".pem").put("key", out + ".key")
                    .put("keyid", key.keyid()), out + ".pem");
        }
    }
}
