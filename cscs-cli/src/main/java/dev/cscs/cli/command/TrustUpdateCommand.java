package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.CliFiles;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.DomainRule;
import dev.cscs.core.trust.KeyEntry;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.PolicyCodec;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Change the trust policy: add or remove domains, rotate or revoke keys, change thresholds.",
            "Reads the current policy from --endpoint and makes the next _trust changeset. It must be signed by a",
            "threshold of the current roots and, when the roots change, also of the new roots. With enough",
            "signatures it is submitted; otherwise --out writes it for `cscs cosign` and `cscs submit`."},
        footer = {"", "Examples: (the roots are 2 of root1, root2)",
            "  # a new domain whose signer may only touch sysctl and firewall",
            "  cscs trust update --domain factory-b=fb.pub \\",
            "      --scope factory-b=sysctl,firewall \\",
            "      --sign-with root1.key --sign-with root2.key",
            "  # rotate a signer; the second root cosigns later",
            "  cscs trust update --revoke old-global.pub --domain global=new-global.pub \\",
            "      --sign-with root1.key --out rotate.json",
            "  cscs cosign rotate.json --sign-with root2.key && cscs submit rotate.json",
            "  # guardrails: what factory-b's signers may set (YAML; operator guide 6.1)",
            "  cscs trust update --constraints factory-b=guard.yaml \\",
            "      --sign-with root1.key --sign-with root2.key",
            "  # a domain that every device labelled ring=canary takes up, live",
            "  cscs trust update --domain canary=ops.pub --selector canary=ring=canary \\",
            "      --sign-with root1.key --sign-with root2.key",
            "  # replace a root: 2 of the old roots and 2 of the new ones must sign",
            "  cscs trust update --remove-root root1.pub --add-root root3.pub \\",
            "      --sign-with root1.key --sign-with root2.key --sign-with root3.key"})
public final class TrustUpdateCommand implements Runnable {
    @Option(names = "--domain", paramLabel = "NAME=PUB[,PUB...][:N]", description = "Add a domain or replace its signers (repeat).")
    List<String> domains = new ArrayList<>();

    @Option(names = "--scope", paramLabel = "NAME=APPLIER[,APPLIER...]", description = "Limit a domain to these appliers.")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--constraints", paramLabel = "NAME=FILE", description = DomainArgs.CONSTRAINTS_HELP)
    List<String> constraints = new ArrayList<>();

    @Option(names = "--clear-constraints", paramLabel = "NAME", description = "Remove every constraint of a domain.")
    List<String> clearConstraints = new ArrayList<>();

    @Option(names = "--selector", paramLabel = "NAME=LABEL=VALUE[|VALUE][,...]", description = DomainArgs.SELECTOR_HELP)
    List<String> selectors = new ArrayList<>();

    @Option(names = "--clear-selector", paramLabel = "NAME", description = "Unbind a domain from labels: only devices whose config names it keep it.")
    List<String> clearSelectors = new ArrayList<>();

    @Option(names = "--remove-domain", paramLabel = "NAME", description = "Remove a domain: nobody may sign for it any more.")
    List<String> removeDomains = new ArrayList<>();

    @Option(names = "--revoke", paramLabel = "PUB|KEYID", description = "Remove a key from the policy everywhere (repeat).")
    List<String> revoke = new ArrayList<>();

    @Option(names = "--add-root", paramLabel = "PUB", description = "Add a root key (repeat).")
    List<Path> addRoots = new ArrayList<>();

    @Option(names = "--remove-root", paramLabel = "PUB|KEYID", description = "Remove a root key (repeat).")
    List<String> removeRoots = new ArrayList<>();

    @Option(names = "--threshold", paramLabel = "N", description = "The new root threshold.")
    Integer threshold;

    @Option(names = "--operators", paramLabel = "PUB[,PUB...][:N]", description = "Replace the operator key set.")
    String operators;

    @Option(names = "--comment", description = "Why; kept in the _trust chain.")
    String comment;

    @Option(names = "--sign-with", paramLabel = "KEY", description = "A root key to sign with (repeat).")
    List<Path> signWith = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", description = "Write the signed changeset here instead of submitting it.")
    Path out;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        ApiClient api = new ApiClient(global);
        JsonNode trust = api.get("/v1/trust");
        TrustPolicy current = PolicyCodec.parse(trust.path("policy"));
        TrustPolicy next = change(current);
        JsonNode head = trust.path("head");
        Changeset cs = Signing.unsigned(Names.TRUST, head.path("seq").asLong() + 1, Digest.parse(head.path("digest").asText()),
                Instant.now(), List.of(new Op.Put(Names.POLICY_KEY, PolicyCodec.toTree(next))), comment);
        for (PrivateKeyRef k : KeyArgs.signers(signWith, global)) {
            KeyEntry e = next.keys().getOrDefault(k.keyid(), current.keys().get(k.keyid()));
            cs = Signing.sign(cs, k, e == null ? null : e.alg());
        }
        Printer p = global.printer();
        describe(current, next).forEach(p::note);
        if (out != null) {
            CliFiles.writeAtomic(out, ChangesetCodec.toPrettyJson(cs));
            p.result(Printer.object().put("file", out.toString()).put("seq", cs.body().seq()),
                    "wrote " + out + " (_trust seq " + cs.body().seq() + ", " + cs.signatures().size()
                            + " signature(s)); collect the rest with `cscs cosign`, then `cscs submit`");
            return;
        }
        if (cs.signatures().isEmpty()) {
            throw new CscsException(ErrorCode.USAGE, "give --sign-with root keys, or --out FILE to collect signatures elsewhere");
        }
        Submitter.printAccepted(p, api.post("/v1/changesets", ChangesetCodec.toCompactJson(cs)));
    }

    private TrustPolicy change(TrustPolicy current) {
        PolicyBuilder b = PolicyBuilder.from(current);
        Set<String> roots = new LinkedHashSet<>(current.roots().keyids());
        for (String r : removeRoots) {
            roots.remove(keyid(r));
        }
        List<PublicKeyRef> newRoots = new ArrayList<>();
        for (String id : roots) {
            newRoots.add(current.keys().get(id).key());
        }
        for (Path pub : addRoots) {
            newRoots.add(KeyFiles.readPublic(pub));
        }
        if (!removeRoots.isEmpty() || !addRoots.isEmpty() || threshold != null) {
            int t = threshold != null ? threshold : Math.min(current.roots().threshold(), newRoots.size());
            b.roots(t, newRoots);
        }
        if (operators != null) {
            KeyArgs.KeySetSpec ops = KeyArgs.keySet(operators, "--operators");
            b.operators(ops.threshold(), ops.keys());
        }
        for (String d : removeDomains) {
            b.removeDomain(Names.checkDomain(d));
        }
        Map<String, List<String>> scopeOf = new HashMap<>();
        for (String s : scopes) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CscsException(ErrorCode.USAGE, "--scope \"" + s + "\" must be NAME=APPLIER[,APPLIER...]");
            }
            scopeOf.put(s.substring(0, eq), List.of(s.substring(eq + 1).split(",")));
        }
        for (String d : domains) {
            int eq = d.indexOf('=');
            if (eq <= 0) {
                throw new CscsException(ErrorCode.USAGE, "--domain \"" + d + "\" must be NAME=PUB[,PUB...][:N]");
            }
            String name = Names.checkDomain(d.substring(0, eq));
            KeyArgs.KeySetSpec spec = KeyArgs.keySet(d.substring(eq + 1), "--domain " + name);
            List<String> scope = scopeOf.containsKey(name) ? scopeOf.get(name)
                    : current.domains().containsKey(name) && current.domains().get(name).appliers() != null
                    ? new ArrayList<>(current.domains().get(name).appliers()) : null;
            b.domain(name, spec.threshold(), spec.keys(), scope);
        }
        DomainArgs.constraints(constraints).forEach(b::constraints);
        DomainArgs.selectors(selectors).forEach(b::selector);
        for (String d : clearSelectors) {
            b.selector(Names.checkDomain(d), null);
        }
        for (String d : clearConstraints) {
            b.constraints(Names.checkDomain(d), null);
        }
        for (String r : revoke) {
            b.removeKey(keyid(r));
        }
        return b.build();
    }

    private static String keyid(String pubOrKeyid) {
        return pubOrKeyid.matches("[0-9a-f]{64}") ? pubOrKeyid : KeyFiles.readPublic(Path.of(pubOrKeyid)).keyid();
    }

    private static List<String> describe(TrustPolicy a, TrustPolicy b) {
        List<String> lines = new ArrayList<>();
        TreeSet<String> gone = new TreeSet<>(a.keys().keySet());
        gone.removeAll(b.keys().keySet());
        TreeSet<String> added = new TreeSet<>(b.keys().keySet());
        added.removeAll(a.keys().keySet());
        gone.forEach(k -> lines.add("key removed: " + k));
        added.forEach(k -> lines.add("key added:   " + k));
        if (b.rootsDifferFrom(a)) {
            lines.add("roots: " + a.roots().threshold() + " of " + a.roots().keyids().size() + " -> " + b.roots().threshold()
                    + " of " + b.roots().keyids().size() + " (the new roots must sign too)");
        }
        for (String d : new TreeSet<>(a.domains().keySet())) {
            if (!b.domains().containsKey(d)) {
                lines.add("domain removed: " + d);
            } else if (!a.domains().get(d).equals(b.domains().get(d))) {
                DomainRule was = a.domains().get(d);
                DomainRule now = b.domains().get(d);
                List<String> what = new ArrayList<>();
                if (!was.signers().equals(now.signers())) {
                    what.add("signers");
                }
                if (!Objects.equals(was.appliers(), now.appliers())) {
                    what.add("scope");
                }
                if (!Objects.equals(was.selector(), now.selector())) {
                    what.add(now.selector() == null ? "selector removed" : "selector " + now.selector());
                }
                if (!was.constraints().equals(now.constraints())) {
                    what.add(now.constraints().isEmpty() ? "constraints removed" : "constraints");
                }
                lines.add("domain changed: " + d + " (" + String.join(", ", what) + ")");
            }
        }
        b.domains().keySet().stream().filter(d -> !a.domains().containsKey(d)).forEach(d -> lines.add("domain added: " + d));
        return lines;
    }
}
