package dev.cscs.dist;

import dev.cscs.cli.Version;
import dev.cscs.server.EdgeDaemon;
import dev.cscs.server.Logging;
import dev.cscs.server.SystemdNotify;
import dev.cscs.server.config.ConfigLoader;
import dev.cscs.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Run an edge agent: apply this device's domains without running Raft.",
            "It streams changes from the servers' watch API, verifies every signature itself, applies them, keeps",
            "applying its last verified configuration when cut off, and reports signed status."},
        footer = {"", "Example:", "  cscs agent --config /etc/cscs/cscsd.yaml",
            "", "The config file is the server's, with server: {endpoints: [https://10.0.0.1:7400, ...], token: FILE}",
            "in place of raft: (see `cscs node provision --role agent`)."})
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The config file.")
    Path config;

    @Option(names = "--check", description = "Only check the config file, as `cscs agent` would, and say what is wrong, if anything.")
    boolean check;

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = ConfigLoader.load(config);
        EdgeDaemon.validate(cfg);
        if (check) {
            System.out.println(config + ": ok (edge agent " + cfg.nodeId() + ")");
            return 0;
        }
        return runUntilStopped(cfg);
    }

    static int runUntilStopped(ServerConfig cfg) throws Exception {
        Logging.configure(cfg.log(), cfg.nodeId(), "cscs-agent", true);
        EdgeDaemon d = EdgeDaemon.start(cfg);
        // the same Type=notify unit runs edge agents; with no Raft here, a running JVM is the liveness sign
        SystemdNotify systemd = SystemdNotify.fromEnvironment();
        systemd.ready(() -> true);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            systemd.stopping();
            systemd.close();
            d.close();
            stopped.countDown();
        }, "cscs-agent-shutdown"));
        stopped.await();
        return 0;
    }
}
