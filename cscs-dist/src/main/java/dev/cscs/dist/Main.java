package dev.cscs.dist;

import dev.cscs.cli.Cli;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/** The single {@code cscs} entry point: the CLI verbs, plus the daemon verbs that need every module. */
public final class Main {
    private Main() {
    }

    /** The CLI's verbs and the daemon verbs, in the order help lists them. */
    static Map<String, Supplier<Object>> verbs() {
        Map<String, Supplier<Object>> v = Cli.verbs();
        v.put("server", ServerCommand::new);
        v.put("agent", AgentCommand::new);
        v.put("demo", DemoCommand::new);
        return v;
    }

    /** The command line with every verb. */
    public static CommandLine commandLine() {
        return Cli.commandLine(verbs());
    }

    public static void main(String[] args) {
        // the edge agent's path builds no other verb: it must load nothing of the server (AgentMain)
        if (args.length > 0 && "agent".equals(args[0])) {
            AgentMain.main(args);
        }
        System.exit(Cli.run(verbs(), args));
    }
}
