package dev.cscs.dist.demo;

import dev.cscs.dist.Main;
import dev.cscs.server.Logging;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Runs the demo, cleans up (or keeps the cluster running), and on failure says where and shows the logs. */
public final class DemoRunner {
    private final Path requestedDir;
    private final boolean keep;
    private final PrintStream out;

    public DemoRunner(Path dir, boolean keep, PrintStream out) {
        this.requestedDir = dir;
        this.keep = keep;
        this.out = out;
    }

    public int run() throws IOException {
        Path dir = requestedDir != null ? Files.createDirectories(requestedDir) : Files.createTempDirectory("cscs-demo-");
        Logging.configure(dir.resolve("log"), "demo", false);
        List<String> cscs = command();
        out.println("cscs demo: a 3-node cluster on loopback, in " + dir);
        long t0 = System.nanoTime();
        Demo d = new Demo(dir, out, cscs);
        try {
            d.keysAndGenesis();
            d.startCluster();
            d.applyPolicy();
            d.converge();
            d.failover();
            d.attacks();
            d.edge();
            d.statusAndAudit(args -> cli(cscs, args));
        } catch (Steps.Failed f) {
            out.println();
            out.println("the demo failed at step " + f.step + " (" + f.name + "): " + f.getMessage());
            if (d.nodes != null) {
                for (String id : d.nodes.ids()) {
                    out.println("--- last log lines of " + id + " (" + dir.resolve(id + ".out") + "):");
                    d.nodes.logTail(id, 12).forEach(l -> out.println("  " + l));
                }
            }
            out.println("everything is left in " + dir + " for a look");
            stop(d);
            return 1;
        }
        out.printf(Locale.ROOT, "%ndone in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        if (keep) {
            if (d.edgeAgent != null) {
                d.edgeAgent.close();
            }
            printKeep(d, dir);
        } else {
            stop(d);
            delete(dir);
            out.println("cleaned up (run with --keep to leave the cluster running)");
        }
        return 0;
    }

    private static void stop(Demo d) {
        if (d.edgeAgent != null) {
            d.edgeAgent.close();
        }
        if (d.nodes != null) {
            d.nodes.close();
        }
    }

    private void printKeep(Demo d, Path dir) {
        String tls = "--cacert " + dir.resolve("ca/ca.pem") + " --cert " + dir.resolve("pki/operator.pem") + " --key "
                + dir.resolve("pki/operator.key");
        out.println();
        out.println("the cluster keeps running (the edge agent stopped with this process). Try:");
        out.println("  export CSCS_ENDPOINT=" + d.nodes.url("n1"));
        out.println("  ./cscs status " + tls);
        out.println("  ./cscs put global sysctl/net.ipv4.tcp_syncookies '{\"value\":\"1\"}' --sign-with "
                + dir.resolve("keys/global-signer.key") + " " + tls);
        out.println("  ./cscs watch global " + tls);
        out.println("  cat " + d.nodes.root("n2") + "/etc/sysctl.d/90-cscs.conf");
        out.println();
        out.println("the dashboard (read-only, live), served by every node:");
        out.println("  open " + d.nodes.dashboard("n1") + "   (n1's api.localListen: plain HTTP, loopback only;");
        out.println("       from another machine: ssh -L " + d.nodes.local.get("n1") + ":127.0.0.1:" + d.nodes.local.get("n1")
                + " THIS-HOST, then open the same URL there)");
        out.println("  or " + d.nodes.url("n1") + "/ui/ over TLS with a client certificate for your browser:");
        out.println("       ./cscs ca issue alice --client --p12 --ca " + dir.resolve("ca") + " --out " + dir.resolve("alice")
                + "   # then import alice.p12, and ca/ca.pem as an authority");
        out.println();
        out.println("node configs, keys and logs are in " + dir);
        out.println("stop it with: pkill -f '" + dir + "/n[123].yaml'");
    }

    /** How to run cscs: this very jar, or, from a build tree, these classes. */
    private static List<String> command() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        Path self;
        try {
            self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (self.toString().endsWith(".jar")) {
            cmd.addAll(List.of("-jar", self.toString()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        }
        return cmd;
    }

    private static String cli(List<String> cscs, String[] args) {
        List<String> argv = new ArrayList<>(cscs);
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return text.stripTrailing();
        } catch (IOException e) {
            return "(cannot run cscs: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
