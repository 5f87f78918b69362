package dev.cscs.cli.command;

import dev.cscs.cli.CliFiles;
import dev.cscs.cli.LocalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Names;
import dev.cscs.core.trust.Accepted;
import dev.cscs.core.trust.ChainVerifier;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Write the genesis of a new cluster.",
            "The genesis is changeset 1 of _trust, signed by the roots. Every device is provisioned with it (or with",
            "its digest, printed on stdout) as its trust anchor."},
        footer = {"", "Examples:",
            "  cscs trust init --root root1.pub --root root2.pub --threshold 2 \\",
            "      --domain global=ops.pub --domain factory-a=fa1.pub,fa2.pub:2 \\",
            "      --scope factory-a=yum,sysctl \\",
            "      --sign-with root1.key --sign-with root2.key --out genesis.json",
            "", "Without --operators, the roots (and their threshold) also sign membership changes and join tokens."})
public final class TrustInitCommand implements Runnable {
    @Option(names = "--root", required = true, paramLabel = "PUB", description = "A root public key (repeat for each root).")
    List<Path> roots;

    @Option(names = "--threshold", defaultValue = "1", description = "Root signatures a policy change needs (default 1).")
    int threshold;

    @Option(names = "--domain", paramLabel = "NAME=PUB[,PUB...][:N]",
            description = "A domain, its signer keys and their threshold (repeat for each domain).")
    List<String> domains = new ArrayList<>();

    @Option(names = "--scope", paramLabel = "NAME=APPLIER[,APPLIER...]",
            description = "Limit a domain's changesets to these appliers (default: all).")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--constraints", paramLabel = "NAME=FILE", description = DomainArgs.CONSTRAINTS_HELP)
    List<String> constraints = new ArrayList<>();

    @Option(names = "--selector", paramLabel = "NAME=LABEL=VALUE[|VALUE][,...]", description = DomainArgs.SELECTOR_HELP)
    List<String> selectors = new ArrayList<>();

    @Option(names = "--operators", paramLabel = "PUB[,PUB...][:N]", description = "Keys that sign membership changes and join tokens.")
    String operators;

    @Option(names = "--sign-with", required = true, paramLabel = "KEY", description = "A root private key to sign with (repeat).")
    List<Path> signWith;

    @Option(names = "--comment", description = "A note kept in the genesis.")
    String comment;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write genesis.json.")
    Path out;

    @Option(names = "--force", description = "Overwrite --out if it exists.")
    boolean force;

    @Mixin
    LocalOptions global;

    @Override
    public void run() {
        if (Files.exists(out) && !force) {
            throw new CscsException(ErrorCode.USAGE, out + " already exists; a genesis defines a cluster, so it is not "
                    + "overwritten without --force");
        }
        List<PublicKeyRef> rootKeys = new ArrayList<>();
        for (Path r : roots) {
            rootKeys.add(KeyFiles.readPublic(r));
        }
        if (threshold < 1 || threshold > rootKeys.size()) {
            throw new CscsException(ErrorCode.USAGE, "--threshold " + threshold + " must be between 1 and the number of roots ("
                    + rootKeys.size() + ")");
        }
        PolicyBuilder policy = new PolicyBuilder().roots(threshold, rootKeys);
        if (operators != null) {
            KeyArgs.KeySetSpec ops = KeyArgs.keySet(operators, "--operators");
            policy.operators(ops.threshold(), ops.keys());
        } else {
            policy.operators(threshold, rootKeys);
        }
        Map<String, List<String>> scopeOf = scopes();
        Map<String, KeyArgs.KeySetSpec> domainSpecs = new LinkedHashMap<>();
        for (String d : domains) {
            int eq = d.indexOf('=');
            if (eq <= 0) {
                throw new CscsException(ErrorCode.USAGE, "--domain \"" + d + "\" must be NAME=PUB[,PUB...][:N]");
            }
            String name = Names.checkDomain(d.substring(0, eq));
            if (domainSpecs.put(name, KeyArgs.keySet(d.substring(eq + 1), "--domain " + name)) != null) {
                throw new CscsException(ErrorCode.USAGE, "--domain " + name + " is given twice");
            }
        }
        for (String scoped : scopeOf.keySet()) {
            if (!domainSpecs.containsKey(scoped)) {
                throw new CscsException(ErrorCode.USAGE, "--scope " + scoped + ": no --domain " + scoped);
            }
        }
        domainSpecs.forEach((name, spec) -> policy.domain(name, spec.threshold(), spec.keys(), scopeOf.get(name)));
        DomainArgs.constraints(constraints).forEach((name, c) -> {
            if (!domainSpecs.containsKey(name)) {
                throw new CscsException(ErrorCode.USAGE, "--constraints " + name + ": no --domain " + name);
            }
            policy.constraints(name, c);
        });
        DomainArgs.selectors(selectors).forEach((name, sel) -> {
            if (!domainSpecs.containsKey(name)) {
                throw new CscsException(ErrorCode.USAGE, "--selector " + name + ": no --domain " + name);
            }
            policy.selector(name, sel);
        });
        TrustPolicy built = policy.build();

        List<PrivateKeyRef> signers = KeyArgs.signers(signWith, global);
        Changeset genesis = Signing.genesis(built, Instant.now(), signers, comment);
        Accepted ok;
        try {
            ok = ChainVerifier.verifyGenesis(genesis);
        } catch (CscsException e) {
            throw new CscsException(e.code(), "the genesis would not verify: " + e.getMessage()
                    + (e.code() == ErrorCode.BELOW_THRESHOLD ? "; give one --sign-with per root key the threshold needs" : ""));
        }
        CliFiles.writeAtomic(out, ChangesetCodec.toPrettyJson(genesis));
        Printer p = global.printer();
        p.note("wrote " + out + ": " + rootKeys.size() + " root(s), threshold " + threshold + ", " + domainSpecs.size()
                + " domain(s) " + domainSpecs.keySet());
        p.note("trust anchor (give it to every device as trust.anchor, or ship " + out + "):");
        p.result(Printer.object().put("genesis", out.toString()).put("digest", ok.digest().toString())
                .put("roots", rootKeys.size()).put("threshold", threshold), ok.digest().toString());
    }

    private Map<String, List<String>> scopes() {
        Map<String, List<String>> out = new HashMap<>();
        for (String s : scopes) {
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw new CscsException(ErrorCode.USAGE, "--scope \"" + s + "\" must be NAME=APPLIER[,APPLIER...]");
            }
            List<String> appliers = new ArrayList<>();
            for (String a : s.substring(eq + 1).split(",")) {
                appliers.add(Names.checkApplier(a.trim()));
            }
            out.put(s.substring(0, eq), appliers);
        }
        return out;
    }
}
