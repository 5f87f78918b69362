package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.constraint.Constraints;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.trust.DomainRule;
import dev.cscs.core.trust.PolicyCodec;
import dev.cscs.core.trust.TrustPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "diff", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Show what `cscs apply -f` would change, key by key, down to the field.",
            "Values are checked against the appliers' schemas as the servers check them, and every invalid value",
            "is reported, as is every value that breaks a constraint of the domain in the trust policy (`cscs trust",
            "show`). Exit 0: nothing would change; 1: something would; 3: a value is invalid or forbidden."},
        footer = {"", "Examples:", "  cscs diff -f policy.yaml", "  cscs diff -f policies/ -o json",
            "  cat policy.yaml | cscs diff -f -"})
public final class DiffCommand implements Callable<Integer> {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "POLICY",
            description = "A policy file, a directory of *.yaml/*.yml, or - for stdin; documents separated by --- (one domain each).")
    Path file;

    @Mixin
    GlobalOptions global;

    @Override
    public Integer call() {
        return show(global, plans(new ApiClient(global), PolicyFiles.read(file, System.in)));
    }

    /** One plan per policy, against each domain's current values and constraints. */
    static List<Plan> plans(ApiClient api, List<PolicyFiles.Policy> policies) {
        TrustPolicy trust = PolicyCodec.parse(api.get("/v1/trust").path("policy"));
        List<Plan> plans = new ArrayList<>();
        for (PolicyFiles.Policy p : policies) {
            plans.add(Plan.of(p.domain(), current(api, p.domain()), p.entries(), constraints(trust, p.domain())));
        }
        return plans;
    }

    /** What the trust policy, as the node gives it, allows in {@code domain}; the servers check again on their own. */
    static Constraints constraints(TrustPolicy trust, String domain) {
        DomainRule rule = trust.domains().get(domain);
        return rule == null ? Constraints.NONE : rule.constraints();
    }

    static Map<String, JsonNode> current(ApiClient api, String domain) {
        JsonNode values = api.get("/v1/kv/" + domain).path("values");
        Map<String, JsonNode> current = new TreeMap<>();
        for (Iterator<String> it = values.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            current.put(key, values.path(key).path("value"));
        }
        return current;
    }

    /** Prints the plans; 0 when all are in sync, 1 when something would change, 3 (thrown) on invalid values. */
    static int show(GlobalOptions global, List<Plan> plans) {
        Printer p = global.printer();
        ArrayNode domains = Printer.object().arrayNode();
        StringBuilder human = new StringBuilder();
        for (Plan plan : plans) {
            domains.add(plan.json());
            human.append(human.length() == 0 ? "" : "\n").append(plan.human());
        }
        p.result(Printer.object().set("domains", domains), human.toString());
        CscsException invalid = Plan.refusals(plans);
        if (invalid != null) {
            throw invalid;
        }
        return plans.stream().allMatch(Plan::inSync) ? 0 : 1;
    }
}
