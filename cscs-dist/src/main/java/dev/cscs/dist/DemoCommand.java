package dev.cscs.dist;

import dev.cscs.cli.Version;
import dev.cscs.dist.demo.DemoRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"A local 3-node cluster in a temp dir, end to end, in under a minute.",
            "Real `cscs server` processes on loopback with mutual TLS, each applying to its own sandbox root (never to",
            "this machine's /etc): keys and genesis, a security policy converging everywhere, SIGKILL of the leader,",
            "forged and replayed changes refused, an edge device joining with a signed token, status and audit."},
        footer = {"", "Examples:", "  ./cscs demo", "  ./cscs demo --keep      # leave the cluster running and print how to use it"})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keep", description = "Leave the cluster running afterwards and print how to use it.")
    boolean keep;

    @Option(names = "--dir", paramLabel = "DIR", description = "Work in DIR instead of a new temp dir.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        return new DemoRunner(dir, keep, System.out).run();
    }
}
