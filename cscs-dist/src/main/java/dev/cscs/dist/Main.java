package dev.cscs.dist;

import dev.cscs.cli.Cli;
import picocli.CommandLine;

/** The single {@code cscs} entry point: the CLI verbs, plus the daemon verbs that need every module. */
public final class Main {
    private Main() {
    }

    public static CommandLine commandLine() {
        CommandLine cl = Cli.commandLine();
        cl.addSubcommand("server", new ServerCommand());
        cl.addSubcommand("agent", new AgentCommand());
        cl.addSubcommand("demo", new DemoCommand());
        return Cli.paragraphs(cl);
    }

    public static void main(String[] args) {
        // the edge agent's path builds no other verb: it must load nothing of the server (AgentMain)
        if (args.length > 0 && "agent".equals(args[0])) {
            AgentMain.main(args);
        }
        System.exit(commandLine().execute(args));
    }
}
