package dev.cscs.cli.command;

import dev.cscs.cli.CliFiles;
import dev.cscs.cli.LocalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Labels;
import dev.cscs.core.model.Names;
import dev.cscs.core.tls.ClusterCa;
import dev.cscs.core.tls.Pem;
import dev.cscs.core.tls.TlsMaterial;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.JoinToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "node", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Provision devices: everything a new node needs to join, made offline.",
        subcommands = {NodeCommand.Provision.class},
        footer = {"", "Example:",
            "  cscs node provision n4 --role replica --domains global,factory-a \\",
            "      --ip 10.0.0.4 --join https://10.0.0.1:7400 \\",
            "      --ca /secure/ca --genesis genesis.json \\",
            "      --sign-with operator.key --out n4-bundle"})
public final class NodeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: provision");
    }

    @Command(name = "provision", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Make everything a new device needs to join, offline.",
                "The bundle holds its key, certificate, the CA certificate, the genesis and its digest,",
                "an admin-signed join token (node id, role, domains, labels, node key, expiry) and a config file.",
                "Copy the bundle to the device's /etc/cscs and start cscsd: it joins by itself. The token works once."},
            footer = {"", "Example:",
                "  cscs node provision n4 --role voter --ip 10.0.0.4 \\",
                "      --join https://10.0.0.1:7400 \\",
                "      --ca /secure/ca --genesis genesis.json \\",
                "      --sign-with operator.key --out n4-bundle"})
    static final class Provision implements Runnable {
        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Option(names = "--role", required = true, description = "voter, replica, or agent (an edge device without Raft).")
        String role;

        @Option(names = "--domains", split = ",", paramLabel = "D1,D2", description = "The node's domains, in order (later wins).")
        List<String> domains = new ArrayList<>();

        @Option(names = "--labels", paramLabel = "NAME=VALUE,...", description = "The node's labels, signed in its token: the"
                + " trust policy's selectors give it the domains they match (e.g. site=plant-b,ring=canary).")
        String labels;

        @Option(names = "--join", required = true, paramLabel = "URL", description = "A cluster node's API, e.g. https://10.0.0.1:7400.")
        String join;

        @Option(names = "--ip", paramLabel = "ADDR", description = "The device's IP address (repeat).")
        List<String> ips = new ArrayList<>();

        @Option(names = "--dns", paramLabel = "NAME", description = "The device's DNS name (repeat).")
        List<String> dns = new ArrayList<>();

        @Option(names = "--ca", required = true, paramLabel = "DIR", description = "The CA directory (ca.key, ca.pem).")
        Path ca;

        @Option(names = "--genesis", required = true, paramLabel = "FILE", description = "The cluster's genesis.json.")
        Path genesis;

        @Option(names = "--sign-with", required = true, paramLabel = "KEY", description = "An operator (or root) key (repeat).")
        List<Path> signWith;

        @Option(names = "--valid", defaultValue = "24h", paramLabel = "DURATION", description = "Token lifetime: 30m, 24h, 7d (default ${DEFAULT-VALUE}).")
        String valid;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The bundle directory (created).")
        Path out;

        @Mixin
        LocalOptions global;

        @Override
        public void run() {
            Names.checkNodeId(node);
            Labels nodeLabels = DomainArgs.usage(() -> Labels.parseArg(labels, "--labels"));
            domains.forEach(Names::checkDomain);
            if (!JoinToken.ROLES.contains(role)) {
                throw new CscsException(ErrorCode.USAGE, "--role must be voter, replica or agent");
            }
            Changeset g = CliFiles.readChangeset(genesis);
            ChainState.fromGenesis(g, null);
            Digest anchor = ChangesetCodec.digest(g.body());
            try {
                if (Files.exists(out) && Files.list(out).findAny().isPresent()) {
                    throw new CscsException(ErrorCode.USAGE, out + " is not empty; a bundle goes into a new directory");
                }
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new CscsException(ErrorCode.IO, "cannot create " + out + ": " + e.getMessage());
            }
            PrivateKeyRef caKey = KeyArgs.signer(ca.resolve("ca.key"), global);
            X509Certificate caCert = TlsMaterial.readCertificates(ca.resolve("ca.pem")).get(0);
            List<PrivateKeyRef> admins = KeyArgs.signers(signWith, global);
            PrivateKeyRef key = KeyGen.generate("ecdsa-p256");
            X509Certificate cert = "agent".equals(role) && ips.isEmpty() && dns.isEmpty()
                    ? ClusterCa.issueClient(caKey, caCert, node, key.publicKey(), Instant.now(), ClusterCa.NODE_VALIDITY)
                    : ClusterCa.issue(caKey, caCert, node, key.publicKey(), ips, dns, Instant.now(), ClusterCa.NODE_VALIDITY);
            JoinToken token = JoinToken.issue(node, role, domains, nodeLabels, key.publicKey(), Instant.now(), duration(valid), admins);

            KeyFiles.writePrivate(out.resolve("node.key"), key, null);
            Pem.writeCertificates(out.resolve("node.pem"), List.of(cert));
            Pem.writeCertificates(out.resolve("ca.pem"), List.of(caCert));
            CliFiles.writeAtomic(out.resolve("genesis.json"), ChangesetCodec.toPrettyJson(g));
            CliFiles.writeAtomic(out.resolve("join.token"), (Printer.toJson(token.toJson()) + "\n").getBytes(StandardCharsets.UTF_8));
            CliFiles.writeAtomic(out.resolve("cscsd.yaml"), config(anchor).getBytes(StandardCharsets.UTF_8));
            global.printer().note("wrote the bundle for " + node + " (" + role + ") to " + out
                    + ": node.key node.pem ca.pem genesis.json join.token cscsd.yaml");
            global.printer().note("the token expires at " + token.expires() + " and works once; copy the bundle to the "
                    + "device's /etc/cscs and run `systemctl enable --now cscsd`");
            global.printer().result(Printer.object().put("bundle", out.toString()).put("node", node).put("role", role)
                    .put("token", token.id().toString()).put("expires", token.expires()).put("anchor", anchor.toString()),
                    out.toString());
        }

        private String config(Digest anchor) {
            String advertise = (ips.isEmpty() ? (dns.isEmpty() ? "127.0.0.1" : dns.get(0)) : ips.get(0)) + ":7401";
            StringBuilder b = new StringBuilder("# cscsd config for " + node + ", made by `cscs node provision`.\n");
            b.append("node:\n  id: ").append(node).append("\n  dataDir: /var/lib/cscs\n  domains: ").append(domains).append('\n');
            if ("agent".equals(role)) {
                b.append("server:\n  endpoints: [\"").append(join).append("\"]\n  token: /etc/cscs/join.token\n");
            } else {
                b.append("raft:\n  listen: 0.0.0.0:7401\n  advertise: ").append(advertise)
                        .append("\n  join: {endpoint: \"").append(join).append("\", token: /etc/cscs/join.token}\n");
                b.append("api:\n  listen: 0.0.0.0:7400\n  localListen: 127.0.0.1:7399\n");
            }
            b.append("trust:\n  anchor: ").append(anchor).append("\n  genesis: /etc/cscs/genesis.json\n");
            b.append("tls: {ca: /etc/cscs/ca.pem, cert: /etc/cscs/node.pem, key: /etc/cscs/node.key}\n");
            b.append("agent:\n  root: /\n  reconcileInterval: 60s\n");
            b.append("log:\n  dir: /var/log/cscs\n");
            return b.toString();
        }

        static Duration duration(String s) {
            if (!s.matches("[0-9]{1,6}[mhd]")) {
                throw new CscsException(ErrorCode.USAGE, "--valid " + s + " is not a duration like 30m, 24h or 7d");
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            switch (s.charAt(s.length() - 1)) {
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                default: return Duration.ofDays(n);
            }
        }
    }
}
