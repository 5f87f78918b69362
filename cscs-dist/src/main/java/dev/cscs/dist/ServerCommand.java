package dev.cscs.dist;

import dev.cscs.cli.Version;
import dev.cscs.server.Daemon;
import dev.cscs.server.Logging;
import dev.cscs.server.config.ConfigLoader;
import dev.cscs.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Run a cluster node: the replicated store, the HTTP API and the agent.",
            "With an edge device's config (server: instead of raft:) it runs the edge agent, as `cscs agent` does.",
            "Reads the config file (DESIGN.md §4), logs to stdout and to a rolling file under log.dir, and stops",
            "cleanly on SIGTERM."},
        footer = {"", "Examples:",
            "  cscs server --config /etc/cscs/cscsd.yaml",
            "  cscs server --config n1.yaml --check      # validate the config file and exit",
            "", "A minimal config for a local test node:",
            "  node: {id: n1, dataDir: /tmp/cscs/n1, domains: [global]}",
            "  raft:",
            "    listen: 127.0.0.1:7401",
            "    peers: [n1@127.0.0.1:7401, n2@127.0.0.1:7411, n3@127.0.0.1:7421]",
            "  api: {listen: 127.0.0.1:7400}",
            "  trust: {genesis: /tmp/cscs/genesis.json}",
            "  insecure: true",
            "  log: {dir: /tmp/cscs/n1/log}"})
public final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The node config file (cscsd.yaml).")
    Path config;

    @Option(names = "--check", description = "Only check the config file and say what is wrong, if anything.")
    boolean check;

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = ConfigLoader.load(config);
        if (check) {
            System.out.println(config + ": ok (" + (cfg.edge() != null ? "edge agent " : "node ") + cfg.nodeId() + ")");
            return 0;
        }
        if (cfg.edge() != null) {
            // the same unit (cscsd.service) runs cluster nodes and edge devices: the config file decides
            return AgentCommand.runUntilStopped(cfg);
        }
        Logging.configure(cfg.log(), cfg.nodeId(), "cscsd", true);
        return Daemon.runUntilStopped(cfg);
    }
}
