package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.Colors;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Table;
import dev.cscs.cli.Version;
import dev.cscs.core.error.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "health", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Is the cluster up: every member asked on its own, like `etcdctl endpoint health`.",
            "Per member whether it answers, the leader it sees, its term and how far its applied index is",
            "behind the highest commit index seen (LAG). The members come from the first endpoint that answers",
            "(the Raft configuration and the api URLs of the _nodes registry), plus every --endpoints URL.",
            "Exits 0 with a leader and a quorum of voters answering, 5 without."},
        footer = {"", "Examples:", "  cscs health",
            "  cscs health --endpoints http://10.0.0.1:7400,http://10.0.0.2:7400",
            "  cscs health -o json | jq '.members[] | select(.reachable | not)'"})
public final class HealthCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Override
    public Integer call() {
        ClusterProbe.Result r = ClusterProbe.run(global);
        Table t = new Table("MEMBER", "ROLE", "ENDPOINT", "REACHABLE", "LEADER", "TERM", "LAG", "ERROR");
        JsonNode json = r.toJson();
        for (int i = 0; i < r.members().size(); i++) {
            ClusterProbe.Member m = r.members().get(i);
            JsonNode x = json.path("members").get(i);
            t.row(m.id() == null ? "?" : m.id(), m.role() == null ? "?" : m.role(), m.api() == null ? "-" : m.api(), m.cell(),
                    m.reachable() ? x.path("sees").asText("none") : "", x.path("term").asText(""), x.path("lag").asText(""),
                    x.path("error").asText(""));
        }
        global.printer().result(json, t + "\n" + summary(r));
        return r.healthy() ? ExitCode.OK.code() : ExitCode.UNAVAILABLE.code();
    }

    static String summary(ClusterProbe.Result r) {
        if (r.healthy()) {
            return Colors.green("healthy") + ": leader " + r.leader() + ", term " + r.term()
                    + (r.unreachable().isEmpty() && r.silentEndpoints().isEmpty() && r.unasked().isEmpty() ? "" : " (" + r.counts() + ")");
        }
        return Colors.red("UNHEALTHY") + ": " + (r.leader() == null ? "no leader" : "leader " + r.leader())
                + (r.quorum() ? "" : ", no quorum of voters answering") + " (" + r.counts() + ")";
    }
}
