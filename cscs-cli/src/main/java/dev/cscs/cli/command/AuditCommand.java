package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.cli.Colors;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.ExitCode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = dev.cscs.cli.Version.class, sortOptions = false,
        description = {"Verify every chain from the genesis, on one node or several.",
            "Checks, on the node you talk to, signatures, thresholds, scopes, seq and prev links and stored",
            "digests. --all-nodes also compares the heads of several nodes.",
            "Exits 0 when everything holds, 3 naming each break."},
        footer = {"", "Examples:", "  cscs audit",
            "  cscs audit --all-nodes \\",
            "      --endpoints https://n1:7400,https://n2:7400,https://n3:7400"})
public final class AuditCommand implements Callable<Integer> {
    @Option(names = "--all-nodes", description = "Audit several nodes and compare their heads.")
    boolean allNodes;

    @Option(names = "--endpoints", split = ",", paramLabel = "URL,URL", description = "The nodes for --all-nodes.")
    List<String> endpoints = new ArrayList<>();

    @Mixin
    GlobalOptions global;

    @Override
    public Integer call() {
        List<String> targets = allNodes && !endpoints.isEmpty() ? endpoints : List.of(global.endpoint());
        Map<String, JsonNode> results = new LinkedHashMap<>();
        for (String url : targets) {
            results.put(url, new ApiClient(url, new ApiClient(global).http()).get("/v1/audit"));
        }
        List<String> problems = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        results.forEach((url, r) -> {
            b.append(r.path("node").asText()).append(" (").append(url).append("): ").append(r.path("checked").asInt())
                    .append(" changesets verified");
            for (JsonNode br : r.path("breaks")) {
                String p = r.path("node").asText() + ": " + br.path("domain").asText() + " seq " + br.path("seq").asLong()
                        + " (revision " + br.path("revision").asLong() + "): " + br.path("code").asText() + ": " + br.path("message").asText();
                problems.add(p);
            }
            b.append(r.path("ok").asBoolean() ? Colors.green(", all chains hold") : Colors.red(", BROKEN")).append('\n');
        });
        if (results.size() > 1) {
            compareHeads(results, problems);
        }
        problems.forEach(p -> b.append(Colors.red("break: " + p)).append('\n'));
        ObjectNode out = Printer.object().put("ok", problems.isEmpty());
        ArrayNode nodes = out.putArray("nodes");
        results.values().forEach(nodes::add);
        ArrayNode breaks = out.putArray("breaks");
        problems.forEach(breaks::add);
        global.printer().result(out, b.toString().stripTrailing());
        return problems.isEmpty() ? ExitCode.OK.code() : ExitCode.REJECTED.code();
    }

    /** Nodes may lag (a lower seq); they may never disagree on the digest of the same seq. */
    private static void compareHeads(Map<String, JsonNode> results, List<String> problems) {
        Map<String, Map<Long, String>> seen = new LinkedHashMap<>();
        results.forEach((url, r) -> {
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("heads").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                long seq = e.getValue().path("seq").asLong();
                String digest = e.getValue().path("digest").asText();
                String prev = seen.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).putIfAbsent(seq, digest);
                if (prev != null && !prev.equals(digest)) {
                    problems.add(r.path("node").asText() + ": " + e.getKey() + " seq " + seq + " has head " + digest
                            + " where another node has " + prev + " (the chains forked)");
                }
            }
        });
    }
}
