package dev.cscs.dist;

import dev.cscs.cli.Cli;
import java.util.Arrays;

/**
 * The edge agent's entry point, {@code cscs agent ARGS}: only {@link AgentCommand}, so that a
 * device loads no other verb and nothing of the server (no Ratis, gRPC, Netty, Jetty or
 * Javalin). It is the main class of the slim {@code cscs-agent.jar}, which holds nothing else
 * (the launcher runs {@code cscs agent} from it), and {@link Main} hands {@code agent} to it.
 */
public final class AgentMain {
    private AgentMain() {
    }

    /** {@code args}: those after {@code agent}. */
    static int run(String... args) {
        return Cli.single(new AgentCommand(), "agent").execute(args);
    }

    /** {@code java -jar cscs-agent.jar [agent] --config FILE}: the leading verb is optional. */
    public static void main(String[] args) {
        boolean verb = args.length > 0 && "agent".equals(args[0]);
        System.exit(run(verb ? Arrays.copyOfRange(args, 1, args.length) : args));
    }
}
