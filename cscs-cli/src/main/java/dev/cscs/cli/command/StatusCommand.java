package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.Colors;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Table;
import dev.cscs.cli.Version;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.ExitCode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"The fleet at a glance: every node's health, lag, errors and last report.",
            "Per node and domain the applied seq against the head, the appliers' states, errors and when each",
            "node last reported; suspects and failing or lagging nodes first."},
        footer = {"", "Examples:", "  cscs status", "  cscs status -o json | jq '.nodes[] | select(.health != \"ok\")'",
            "", "Health: ok, lagging (behind a head), failing (an applier failed or an error), stale (no report for",
            "3 minutes), suspect (its chain heads disagree with the cluster's, or it passed on refused proposals).",
            "REASON says why a node is failing. Domains a node has by a selector of the trust policy (its labels),",
            "not by its config, are listed under the table with the selector. Exits 1 when a node is failing or suspect."})
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--local", description = "Answer from the node alone (no Raft read barrier).")
    boolean local;

    @Mixin
    GlobalOptions global;

    @Override
    public Integer call() {
        JsonNode s = new ApiClient(global).get("/v1/status" + (local ? "?consistency=local" : ""));
        TreeSet<String> domains = new TreeSet<>();
        s.path("heads").fieldNames().forEachRemaining(d -> {
            if (!d.startsWith("_")) {
                domains.add(d);
            }
        });
        List<String> header = new ArrayList<>(List.of("NODE", "ROLE", "HEALTH", "SEEN"));
        domains.forEach(header::add);
        header.add("APPLIERS");
        header.add("REASON");
        Table t = new Table(header.toArray(new String[0]));
        boolean failing = false;
        for (JsonNode n : s.path("nodes")) {
            List<Object> row = new ArrayList<>(List.of(n.path("node").asText(), n.path("role").asText(),
                    health(n.path("health").asText()), n.has("ageSeconds") ? n.path("ageSeconds").asLong() + "s ago" : "-"));
            for (String d : domains) {
                JsonNode x = n.path("domains").path(d);
                row.add(x.isMissingNode() ? "-" : x.path("applied").asLong() + "/" + x.path("head").asLong()
                        + (x.path("lag").asLong() > 0 ? " (-" + x.path("lag").asLong() + ")" : ""));
            }
            row.add(appliers(n));
            row.add(reason(n));
            t.row(row.toArray());
            failing |= n.path("health").asText().equals("failing") || n.path("health").asText().equals("suspect");
        }
        StringBuilder b = new StringBuilder(t.isEmpty() ? "no node has reported yet" : t.toString());
        selected(s, b);
        if (s.path("suspects").size() > 0) {
            b.append("\n\n").append(Colors.bold(Colors.red("SUSPECTS"))).append(" (remove one with `cscs member remove NODE --sign-with KEY`)");
            for (JsonNode x : s.path("suspects")) {
                for (JsonNode ev : x.path("evidence")) {
                    b.append("\n  ").append(x.path("node").asText()).append(": ").append(ev.asText());
                }
            }
        }
        b.append("\n\nheads:");
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("heads").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append(' ').append(e.getKey()).append('=').append(e.getValue().path("seq").asLong());
        }
        global.printer().result(s, b.toString());
        return failing ? ExitCode.ERROR.code() : ExitCode.OK.code();
    }

    /** Why a node is not ok: its failed appliers and reported errors, in full (the table is the report). */
    static String reason(JsonNode n) {
        List<String> why = new ArrayList<>();
        if (n.hasNonNull("reason")) {
            why.add(n.path("reason").asText());
        }
        for (JsonNode a : n.path("appliers")) {
            if (a.path("state").asText().equals("failed")) {
                why.add(a.path("applier").asText() + ": " + a.path("message").asText());
            }
        }
        for (JsonNode e : n.path("errors")) {
            why.add(e.path("code").asText() + ": " + e.path("message").asText());
        }
        return why.isEmpty() ? "" : Colors.red(String.join("; ", why));
    }

    private static String health(String h) {
        switch (h) {
            case "ok": return Colors.green(h);
            case "lagging":
            case "stale":
            case "unknown": return Colors.yellow(h);
            default: return Colors.red(h);
        }
    }

    private static String appliers(JsonNode n) {
        int inSync = 0;
        List<String> other = new ArrayList<>();
        for (JsonNode a : n.path("appliers")) {
            String state = a.path("state").asText();
            if (state.equals("in-sync") || state.equals("applied")) {
                inSync++;
            } else if (!state.equals("skipped")) {
                other.add(a.path("applier").asText() + ":" + state);
            }
        }
        String ok = inSync + " ok";
        return other.isEmpty() ? ok : ok + ", " + String.join(", ", other);
    }

    /** The domains nodes have by a selector of the trust policy (not by their config), and which selector. */
    private static void selected(JsonNode s, StringBuilder b) {
        List<String> lines = new ArrayList<>();
        for (JsonNode n : s.path("nodes")) {
            for (JsonNode sub : n.path("subscriptions")) {
                String via = sub.path("via").asText("");
                if (via.startsWith("selector ")) {
                    lines.add("  " + n.path("node").asText() + ": " + sub.path("domain").asText() + " (" + via + ")");
                }
            }
        }
        if (!lines.isEmpty()) {
            b.append("\n\nby label (the node's config does not name these):\n").append(String.join("\n", lines));
        }
    }
}
