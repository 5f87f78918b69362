package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Table;
import dev.cscs.cli.Version;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.error.ExitCode;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "member", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"List and change the cluster's Raft members.",
            "Changes are signed by operator (or root) keys and go into the _nodes registry; the leader then makes",
            "the Raft configuration follow it. A replica is promoted to voter only once it has caught up."},
        subcommands = {MemberCommand.Ls.class, MemberCommand.Add.class, MemberCommand.Promote.class, MemberCommand.Remove.class,
            MemberLabel.class, MemberKey.class},
        footer = {"", "Examples:", "  cscs member ls",
            "  cscs member add n4 --raft 10.0.0.4:7401 --api https://10.0.0.4:7400 \\",
            "      --sign-with operator.key",
            "  cscs member promote n4 --sign-with operator.key",
            "  cscs member remove n2 --sign-with operator.key"})
public final class MemberCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: ls, add, promote or remove");
    }

    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = {"Show the members, their roles, which answer, and the leader.",
                "Each member is asked on its own (as `cscs health` does). Exits 5 without a leader or a quorum."},
            footer = {"", "Example:", "  cscs member ls -o json"})
    static final class Ls implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @Override
        public Integer call() {
            JsonNode m = new ApiClient(global).get("/v1/members");
            ClusterProbe.Result health = ClusterProbe.run(global);
            Map<String, ClusterProbe.Member> probed = new HashMap<>();
            health.members().stream().filter(x -> x.id() != null).forEach(x -> probed.put(x.id(), x));
            Table t = new Table("ID", "ROLE", "ADDRESS", "REACHABLE", "LEADER", "NOTE");
            for (JsonNode x : m.path("members")) {
                ClusterProbe.Member p = probed.get(x.path("id").asText());
                t.row(x.path("id").asText(), x.path("role").asText(), x.path("address").asText(), p == null ? "?" : p.cell(),
                        x.path("id").asText().equals(health.leader()) ? "*" : "", note(x.path("id").asText(), x.path("autopilot")));
            }
            ObjectNode out = m.deepCopy();
            out.set("health", health.toJson());
            global.printer().result(out, t + "\n" + HealthCommand.summary(health) + "\nterm " + m.path("term").asLong()
                    + ", commit index " + m.path("commitIndex").asLong() + " (as seen by " + m.path("self").asText() + ")"
                    + autopilot(m.path("autopilot")) + freshness(m.path("freshness")));
            return health.healthy() ? ExitCode.OK.code() : ExitCode.UNAVAILABLE.code();
        }

        /** "promoted to voter by autopilot in place of n1: … (at T)": the member's latest autopilot action. */
        static String note(String id, JsonNode a) {
            if (a.isMissingNode() || a.isNull()) {
                return "";
            }
            String msg = a.path("message").asText();
            return (msg.startsWith(id + " ") ? msg.substring(id.length() + 1) : msg) + " (at " + a.path("time").asText() + ")";
        }

        /** Whether the cluster signs freshness records, and who signed the latest. */
        static String freshness(JsonNode f) {
            return f.isObject() ? "\nfreshness: the latest record was signed by " + f.path("node").asText() + " at "
                    + f.path("issued").asText() + " (revision " + f.path("revision").asLong() + ")"
                    : "\nfreshness: no record signed yet (register the voters' keys: cscs member key)";
        }

        static String autopilot(JsonNode a) {
            if (!a.path("enabled").asBoolean()) {
                return "\nautopilot: off (the registry's roles decide who votes)";
            }
            StringBuilder b = new StringBuilder("\nautopilot: " + a.path("voters").asInt() + " voters, a voter silent for "
                    + a.path("replaceAfterMs").asLong() / 1000 + "s is replaced, a replica silent for "
                    + a.path("removeDeadAfterMs").asLong() / 1000 + "s is removed");
            for (JsonNode r : a.path("removed")) {
                b.append("\n  ").append(r.path("id").asText()).append(": ").append(note(r.path("id").asText(), r));
            }
            return b.toString();
        }
    }

    abstract static class Change implements Runnable {
        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Option(names = "--sign-with", required = true, paramLabel = "KEY", description = "An operator or root key (repeat).")
        List<Path> signWith;

        @Mixin
        GlobalOptions global;

        /** What the cluster knows of the node: a joined or registered node's view, else a bootstrap member's role and address. */
        private JsonNode known(JsonNode members) {
            if (members.path("nodes").has(node)) {
                return members.path("nodes").path(node);
            }
            for (JsonNode m : members.path("members")) {
                if (m.path("id").asText().equals(node)) {
                    return JsonNodeFactory.instance.objectNode().put("role", m.path("role").asText()).put("raft", m.path("address").asText());
                }
            }
            return JsonNodeFactory.instance.missingNode();
        }

        String afterwards() {
            return "the leader now changes the Raft configuration; follow it with `cscs member ls`";
        }

        /**
         * The node's record to change: a copy of its current one, or, for a node that joined with a
         * token or a bootstrap member without a record yet, one that keeps its role and address.
         */
        ObjectNode base(JsonNode current, JsonNode known) {
            if (current.isObject()) {
                return ((ObjectNode) current).deepCopy();
            }
            if (!known.isObject()) {
                throw new CscsException(ErrorCode.NOT_FOUND, "the cluster knows no node " + node + " (`cscs member ls`, `cscs status`)");
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("role", known.path("role").asText());
            if (!known.path("raft").asText("").isEmpty()) {
                o.put("raft", known.path("raft").asText());
            }
            return o;
        }

        /** The node's next registry record, from its current one ({@code current}, missing if none) and what the cluster knows of it. */
        abstract ObjectNode record(JsonNode current, JsonNode known);

        @Override
        public void run() {
            Names.checkNodeId(node);
            Submitter s = new Submitter(global);
            JsonNode reply = s.submit(Names.NODES, head -> {
                JsonNode members = s.api().get("/v1/members");
                return List.of(new Op.Put(Names.nodeKey(node), record(members.path("registry").path(node), known(members))));
            }, signWith, getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + node, "/v1/members");
            Submitter.printAccepted(global.printer(), reply);
            global.printer().note(afterwards());
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Add a node, as a replica (default) or a voter. Start it with raft.role: replica and the peers.",
            footer = {"", "Example:", "  cscs member add n4 --raft 10.0.0.4:7401 --sign-with operator.key"})
    static final class Add extends Change {
        @Option(names = "--raft", required = true, paramLabel = "HOST:PORT", description = "The node's Raft address.")
        String raft;

        @Option(names = "--api", paramLabel = "URL", description = "The node's API URL.")
        String api;

        @Option(names = "--role", defaultValue = "replica", description = "replica (default) or voter.")
        String role;

        @Override
        ObjectNode record(JsonNode current, JsonNode known) {
            if (!role.equals("replica") && !role.equals("voter")) {
                throw new CscsException(ErrorCode.USAGE, "--role must be replica or voter");
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("role", role).put("raft", raft);
            if (api != null) {
                o.put("api", api);
            }
            return o;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make a replica a voter (once it has caught up).",
            footer = {"", "Example:", "  cscs member promote n4 --sign-with operator.key"})
    static final class Promote extends Change {
        @Option(names = "--raft", paramLabel = "HOST:PORT", description = "The node's Raft address, if the registry lacks it.")
        String raft;

        @Override
        ObjectNode record(JsonNode current, JsonNode known) {
            ObjectNode o = current.isObject() ? ((ObjectNode) current).deepCopy() : JsonNodeFactory.instance.objectNode();
            if (raft != null) {
                o.put("raft", raft);
            }
            if (!o.has("raft")) {
                throw new CscsException(ErrorCode.USAGE, node + " is not in the registry; give --raft HOST:PORT");
            }
            return o.put("role", "voter");
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a node from the Raft configuration.",
            footer = {"", "Example:", "  cscs member remove n2 --sign-with operator.key"})
    static final class Remove extends Change {
        @Override
        ObjectNode record(JsonNode current, JsonNode known) {
            ObjectNode o = current.isObject() ? ((ObjectNode) current).deepCopy() : JsonNodeFactory.instance.objectNode();
            return o.put("role", "removed");
        }
    }
}
