package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.cli.CliFiles;
import dev.cscs.cli.Colors;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Table;
import dev.cscs.cli.Version;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ExitCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Verify every chain on this machine from your genesis, on one node or all of them.",
            "With --genesis the node only supplies the changesets: signatures, thresholds, scopes, seq and prev",
            "links and digests of every chain (_trust first) are checked here, so a node cannot forge or",
            "alter history and pass (it can still serve an old prefix: --all-nodes compares the heads).",
            "Without it, the node's own answer (GET /v1/audit) is shown. --all-nodes audits every member",
            "(from the _nodes registry and --endpoints) and compares their heads.",
            "Exits 0 when everything holds, 3 naming each break, 5 when a member could not be reached."},
        footer = {"", "Examples:", "  cscs audit --genesis genesis.json",
            "  cscs audit --genesis genesis.json --all-nodes",
            "  cscs audit --genesis genesis.json --all-nodes \\",
            "      --endpoints https://n1:7400,https://n2:7400,https://n3:7400"})
public final class AuditCommand implements Callable<Integer> {
    @Option(names = "--genesis", paramLabel = "FILE", description = "The cluster's genesis.json: verify here, from it.")
    Path genesis;

    @Option(names = "--all-nodes", description = "Audit every member and compare their heads.")
    boolean allNodes;

    @Mixin
    GlobalOptions global;

    /**
     * What one node answered: our audit of its chains from the genesis ({@code verified}), or the
     * node's own ({@code own}), with the heads either gives; or why it did not answer.
     */
    private record Node(String endpoint, String id, ClientAudit.Result verified, JsonNode own, Map<String, Head> heads,
                        String error) {
        boolean answered() {
            return error == null;
        }

        JsonNode json() {
            return verified != null ? verified.toJson(endpoint, id) : own;
        }
    }

    @Override
    public Integer call() {
        Changeset g = genesis == null ? null : CliFiles.readChangeset(genesis);
        ApiClient api = new ApiClient(global);
        List<Node> nodes = new ArrayList<>();
        if (allNodes) {
            for (ClusterProbe.Member m : ClusterProbe.run(global).members()) {
                nodes.add(m.reachable() ? audit(new ApiClient(List.of(m.api()), api.http(), api.timeout()), m.id(), g)
                        : new Node(m.api(), m.id(), null, null, Map.of(), m.error()));
            }
        } else {
            nodes.add(audit(api, null, g));
        }
        List<String> problems = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (Node n : nodes) {
            b.append(describe(n, problems)).append('\n');
        }
        if (nodes.size() > 1) {
            compareHeads(nodes, problems);
        }
        problems.forEach(p -> b.append(Colors.red("break: " + p)).append('\n'));
        List<Node> down = nodes.stream().filter(n -> !n.answered()).toList();
        if (allNodes) {
            b.append("audited ").append(nodes.size() - down.size()).append(" of ").append(nodes.size()).append(" members");
            down.forEach(n -> b.append(Colors.red("\nunreachable: " + label(n) + ": " + n.error())));
        }
        ObjectNode out = Printer.object().put("ok", problems.isEmpty() && down.isEmpty()).put("verifiedHere", g != null);
        ArrayNode list = out.putArray("nodes");
        nodes.stream().filter(Node::answered).forEach(n -> list.add(n.json()));
        ArrayNode unreachable = out.putArray("unreachable");
        down.forEach(n -> unreachable.addObject().put("node", n.id()).put("endpoint", n.endpoint()).put("error", n.error()));
        out.putArray("breaks").addAll(problems.stream().map(p -> (JsonNode) out.textNode(p)).toList());
        global.printer().result(out, b.toString().stripTrailing());
        return !problems.isEmpty() ? ExitCode.REJECTED.code() : !down.isEmpty() ? ExitCode.UNAVAILABLE.code() : ExitCode.OK.code();
    }

    private static Node audit(ApiClient api, String id, Changeset g) {
        String endpoint = api.base().toString();
        try {
            if (g == null) {
                JsonNode r = ((ObjectNode) api.get("/v1/audit")).put("endpoint", endpoint);
                Map<String, Head> heads = new LinkedHashMap<>();
                r.path("heads").fields().forEachRemaining(e -> heads.put(e.getKey(),
                        new Head(e.getValue().path("seq").asLong(), Digest.parse(e.getValue().path("digest").asText()))));
                return new Node(endpoint, r.path("node").asText(id), null, r, heads, null);
            }
            ClientAudit.Result r = ClientAudit.run(api, g);
            return new Node(endpoint, id, r, null, r.heads(), null);
        } catch (CscsException e) {
            if (id == null) {
                throw e;
            }
            return new Node(endpoint, id, null, null, Map.of(), e.getMessage());
        }
    }

    private String describe(Node n, List<String> problems) {
        if (!n.answered()) {
            return label(n) + ": " + Colors.red("unreachable");
        }
        if (n.verified() == null) {
            JsonNode r = n.own();
            for (JsonNode br : r.path("breaks")) {
                problems.add(r.path("node").asText() + ": " + br.path("domain").asText() + " seq " + br.path("seq").asLong()
                        + " (revision " + br.path("revision").asLong() + "): " + br.path("code").asText() + ": " + br.path("message").asText());
            }
            return label(n) + ": " + r.path("checked").asInt() + " changesets verified by the node itself"
                    + (r.path("ok").asBoolean() ? Colors.green(", all chains hold") : Colors.red(", BROKEN"))
                    + " (give --genesis to verify them here)";
        }
        Table t = new Table("DOMAIN", "SEQ", "HEAD", "VERDICT");
        n.verified().domains().forEach((domain, d) -> {
            t.row(domain, d.head() == null ? 0 : d.head().seq(), d.head() == null ? "-" : d.head().digest().toString(),
                    d.ok() ? Colors.green("OK") : Colors.red("BROKEN at seq " + d.seq()));
            if (!d.ok()) {
                problems.add(label(n) + ": " + domain + " seq " + d.seq() + " (revision " + d.revision() + "): " + d.code()
                        + ": " + d.why());
            }
        });
        return label(n) + ": verified here from the genesis, up to revision " + n.verified().revision() + "\n" + t;
    }

    private static String label(Node n) {
        return (n.id() == null ? "" : n.id() + " ") + "(" + (n.endpoint() == null ? "no api URL known" : n.endpoint()) + ")";
    }

    /** Nodes may lag (a lower seq); they may never disagree on the digest of the same seq. */
    private static void compareHeads(List<Node> nodes, List<String> problems) {
        Map<String, Map<Long, Digest>> seen = new LinkedHashMap<>();
        for (Node n : nodes) {
            n.heads().forEach((domain, head) -> {
                Digest prev = seen.computeIfAbsent(domain, k -> new LinkedHashMap<>()).putIfAbsent(head.seq(), head.digest());
                if (prev != null && !prev.equals(head.digest())) {
                    problems.add(label(n) + ": " + domain + " seq " + head.seq() + " has head " + head.digest()
                            + " where another node has " + prev + " (the chains forked)");
                }
            });
        }
    }
}
