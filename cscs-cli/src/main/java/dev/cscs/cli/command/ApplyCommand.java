package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.trust.DomainRule;
import dev.cscs.core.trust.PolicyCodec;
import dev.cscs.core.trust.TrustPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "apply", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Make domains hold exactly what policy files say, one signed changeset per domain.",
            "Each policy is diffed against its domain: new and changed keys become puts, keys the policy does",
            "not name become deletes. Every value is checked first; if any is invalid, or breaks a constraint of",
            "its domain in the trust policy, nothing is submitted",
            "(exit 3). Domains are submitted in order, each reported. --dry-run is `cscs diff`: same output,",
            "same exit codes (0 in sync, 1 changes, 3 invalid). If a chain moves on meanwhile, that",
            "domain is diffed again against its new head once."},
        footer = {"", "Example policy.yaml (several domains: separate documents with ---):",
            "  domain: factory-a",
            "  entries:",
            "    yum/epel: {name: EPEL, baseurl: \"https://mirror.example/epel/9/\",",
            "               enabled: true, gpgcheck: true}",
            "    sysctl/net.ipv4.ip_forward: {value: \"0\"}",
            "    service/telnet.socket: {state: masked}",
            "", "Examples:", "  cscs apply -f policy.yaml --dry-run",
            "  cscs apply -f policy.yaml --sign-with ops.key --comment 'CIS baseline v3'",
            "  cscs apply -f policies/ --sign-with ops.key"})
public final class ApplyCommand implements Callable<Integer> {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "POLICY",
            description = "A policy file, a directory of *.yaml/*.yml, or - for stdin; documents separated by --- (one domain each).")
    Path file;

    @Option(names = "--sign-with", paramLabel = "KEY", description = "A private key to sign with (repeat); not needed with --dry-run.")
    List<Path> signWith = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print the diff and change nothing (as `cscs diff`).")
    boolean dryRun;

    @Option(names = "--comment", description = "Why; kept in the chain.")
    String comment;

    @Mixin
    GlobalOptions global;

    @Override
    public Integer call() {
        List<PolicyFiles.Policy> policies = PolicyFiles.read(file, System.in);
        if (!dryRun && signWith.isEmpty()) {
            throw new CscsException(ErrorCode.USAGE, "give --sign-with KEY (or --dry-run to see the diff)");
        }
        Submitter s = new Submitter(global);
        List<Plan> plans = DiffCommand.plans(s.api(), policies);
        if (dryRun) {
            return DiffCommand.show(global, plans);
        }
        CscsException invalid = Plan.refusals(plans);
        if (invalid != null) {
            throw invalid;
        }
        Printer p = global.printer();
        ArrayNode results = Printer.object().arrayNode();
        StringBuilder human = new StringBuilder();
        List<String> done = new ArrayList<>();
        List<PrivateKeyRef> keys = KeyArgs.signers(signWith, global);
        Map<String, List<PrivateKeyRef>> signers = signersByDomain(s, policies, keys);
        for (PolicyFiles.Policy policy : policies) {
            Plan[] applied = new Plan[1];
            JsonNode reply;
            try {
                reply = s.submitWith(policy.domain(), head -> {
                    applied[0] = Plan.of(policy.domain(), DiffCommand.current(s.api(), policy.domain()), policy.entries());
                    return applied[0].ops();
                }, signers.get(policy.domain()), comment, "/v1/changesets");
            } catch (CscsException e) {
                throw new CscsException(e.code(), policy.domain() + ": " + e.getMessage()
                        + (done.isEmpty() ? "" : " (already applied: " + String.join(", ", done) + ")"));
            }
            if (reply == null) {
                results.add(Printer.object().put("domain", policy.domain()).put("inSync", true));
                human.append(policy.domain()).append(": already matches ").append(policy.where()).append('\n');
                continue;
            }
            done.add(policy.domain());
            p.note(applied[0].human());
            results.add(reply);
            human.append(Submitter.accepted(reply)).append('\n');
        }
        p.result(Printer.object().set("domains", results), human.toString().stripTrailing());
        return 0;
    }

    /**
     * With one domain every key signs (the servers say which they refuse). With several, each
     * changeset is signed by the given keys that the trust policy lets sign for its domain, so one
     * run can carry the keys of several domains; a domain none of them may sign for is refused
     * before anything is submitted. The policy read here only picks keys: the servers verify.
     */
    private static Map<String, List<PrivateKeyRef>> signersByDomain(Submitter s, List<PolicyFiles.Policy> policies,
                                                                    List<PrivateKeyRef> keys) {
        Map<String, List<PrivateKeyRef>> out = new LinkedHashMap<>();
        if (policies.size() == 1) {
            out.put(policies.get(0).domain(), keys);
            return out;
        }
        TrustPolicy trust = PolicyCodec.parse(s.api().get("/v1/trust").path("policy"));
        for (PolicyFiles.Policy p : policies) {
            DomainRule rule = trust.domains().get(p.domain());
            List<PrivateKeyRef> mine = rule == null ? List.of()
                    : keys.stream().filter(k -> rule.keyids().contains(k.publicKey().keyid())).toList();
            if (mine.isEmpty()) {
                throw new CscsException(rule == null ? ErrorCode.UNKNOWN_DOMAIN : ErrorCode.UNAUTHORIZED_KEY,
                        p.domain() + ": " + (rule == null ? "not in the trust policy" : "none of the --sign-with keys may sign for it")
                        + "; nothing was submitted");
            }
            out.put(p.domain(), mine);
        }
        return out;
    }
}
