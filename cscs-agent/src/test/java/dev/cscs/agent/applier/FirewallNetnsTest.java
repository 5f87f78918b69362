package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.testing.Proc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firewall applied for real with nft, inside a network namespace this test creates: the
 * listing matches, a broken ruleset is refused with the old one still in force, and a ruleset
 * that cuts the node off from its cluster port is rolled back by commit-confirm by itself.
 * For the reachability tests a second namespace plays the rest of the cluster: it reaches the
 * node over a veth link, so neither loopback nor established-traffic rules help it through.
 */
class FirewallNetnsTest {
    static final int CLUSTER_PORT = 7401;
    static final String NODE_ADDR = "10.99.0.1";
    final FirewallApplier fw = new FirewallApplier();
    @TempDir
    Path root;
    Netns ns;

    @BeforeEach
    void namespace() {
        Tools.require("nft", "nftables");
        ns = new Netns();
    }

    @AfterEach
    void cleanup() {
        ns.close();
    }

    ApplyContext ctx(Reachability reachability) {
        return ApplyContext.builder(root).runner(ns.runner()).clock(Support.CLOCK).live(true)
                .protectedPorts(List.of(7400, CLUSTER_PORT)).reachability(reachability, Duration.ofMillis(1500)).build();
    }

    String listing() {
        return ns.run("nft", "list", "table", "inet", "cscs").requireOk().out();
    }

    @Test
    void theRulesetIsLoadedAndNftListsWhatWasRendered() {
        ApplyContext ctx = ctx(Reachability.assumed());
        Applied applied = Support.converge(fw, FirewallApplierTest.desired(), ctx);
        assertThat(applied.live()).hasSize(1);
        Support.assertGolden("firewall/listing.txt", listing());
        assertThat(ns.run("nft", "list", "tables").requireOk().out()).isEqualTo("table inet cscs\n");
    }

    @Test
    void liveDriftIsPlannedAndCorrected() {
        ApplyContext ctx = ctx(Reachability.assumed());
        Support.converge(fw, FirewallApplierTest.desired(), ctx);
        String good = listing();
        ns.run("nft", "flush", "chain", "inet", "cscs", "input").requireOk();
        Plan plan = fw.plan(FirewallApplierTest.desired(), ctx);
        assertThat(plan.files()).isEmpty();
        assertThat(plan.live()).hasSize(1);
        Support.converge(fw, FirewallApplierTest.desired(), ctx);
        assertThat(listing()).isEqualTo(good);
    }

    @Test
    void deletingEveryEntryRemovesTheTableAndRollbackBringsItBack() {
        ApplyContext ctx = ctx(Reachability.assumed());
        Support.converge(fw, FirewallApplierTest.desired(), ctx);
        String before = listing();
        Applied removed = Support.converge(fw, List.of(), ctx);
        assertThat(ns.run("nft", "list", "tables").out()).isEmpty();
        fw.rollback(removed, ctx);
        assertThat(listing()).isEqualTo(before);
        assertThat(root.resolve(FirewallApplier.FILE)).exists();
    }

    @Test
    void aBrokenRulesetIsRefusedByNftAndTheOldOneStaysInForce() {
        ApplyContext ctx = ctx(Reachability.assumed());
        Support.converge(fw, FirewallApplierTest.desired(), ctx);
        String before = listing();
        FileState file = FileState.read(root.resolve(FirewallApplier.FILE));
        String broken = Support.read(root.resolve(FirewallApplier.FILE)).replace("tcp dport 22 accept", "tcp dport 22 acept");
        Plan plan = new Plan("firewall", List.of(new FileOp.Write(FirewallApplier.FILE, broken)),
                List.of(new LiveAction.NftLoad(FirewallApplier.FILE, "never checked")), List.of());

        assertThatThrownBy(() -> fw.apply(plan, ctx)).isInstanceOfSatisfying(RolledBackException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
            assertThat(e.reason()).startsWith("firewall: nft -c refused the ruleset, nothing was changed: exited 1:")
                    .contains("Error: syntax error");
        });
        assertThat(listing()).isEqualTo(before);
        assertThat(FileState.read(root.resolve(FirewallApplier.FILE))).isEqualTo(file);
    }

    @Test
    void antiLockoutKeepsTheClusterPortOpenUnderADropPolicy() throws Exception {
        try (Netns cluster = new Netns(); Listener listener = new Listener(ns, CLUSTER_PORT)) {
            ns.link(cluster, NODE_ADDR + "/24", "10.99.0.2/24");
            ApplyContext ctx = ctx(connectsFrom(cluster, NODE_ADDR, CLUSTER_PORT));
            assertThat(connectsFrom(cluster, NODE_ADDR, 7402).reachable(Duration.ofMillis(300))).as("nothing on 7402").isFalse();
            List<DesiredEntry> drop = List.of(entry("global", "base", "{\"policy\": \"drop\", \"rules\": "
                    + "[{\"action\": \"drop\", \"proto\": \"tcp\", \"dport\": " + CLUSTER_PORT + "}]}"));
            Applied applied = Support.converge(fw, drop, ctx);
            assertThat(applied.live()).hasSize(1);
            assertThat(connectsFrom(cluster, NODE_ADDR, CLUSTER_PORT).reachable(Duration.ofSeconds(2))).isTrue();
            assertThat(listener.alive()).isTrue();
        }
    }

    @Test
    void commitConfirmRollsBackARulesetThatCutsTheNodeOffAndSaysWhy() throws Exception {
        try (Netns cluster = new Netns(); Listener listener = new Listener(ns, CLUSTER_PORT)) {
            ns.link(cluster, NODE_ADDR + "/24", "10.99.0.2/24");
            ApplyContext ctx = ctx(connectsFrom(cluster, NODE_ADDR, CLUSTER_PORT));
            List<DesiredEntry> safe = List.of(entry("global", "base", "{\"policy\": \"drop\"}"));
            Support.converge(fw, safe, ctx);
            String before = listing();
            FileState file = FileState.read(root.resolve(FirewallApplier.FILE));

            List<DesiredEntry> lockout = List.of(safe.get(0), entry("factory-a", "lockdown", "{\"allowLockout\": true, "
                    + "\"rules\": [{\"action\": \"drop\", \"proto\": \"tcp\", \"dport\": " + CLUSTER_PORT + "}]}"));
            Plan plan = fw.plan(lockout, ctx);
            assertThat(plan.notes()).anyMatch(n -> n.contains("anti-lockout is off"));
            assertThatThrownBy(() -> fw.apply(plan, ctx)).isInstanceOfSatisfying(RolledBackException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.applier()).isEqualTo("firewall");
                assertThat(e.reason()).isEqualTo("commit-confirm failed after loading the new ruleset: the node could not "
                        + "reach the cluster within 1500 ms");
                assertThat(e.getMessage()).startsWith("firewall: rolled back, previous state restored: commit-confirm failed");
            });
            assertThat(listing()).isEqualTo(before);
            assertThat(FileState.read(root.resolve(FirewallApplier.FILE))).isEqualTo(file);
            assertThat(connectsFrom(cluster, NODE_ADDR, CLUSTER_PORT).reachable(Duration.ofSeconds(2))).isTrue();
            assertThat(listener.alive()).isTrue();
        }
    }

    /** Reachability as a peer sees it: a TCP connect from namespace {@code from} to {@code addr:port}. */
    static Reachability connectsFrom(Netns from, String addr, int port) {
        return within -> {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                String timeout = String.format(Locale.ROOT, "%.3f", Math.min(0.5, left / 1e9));
                Proc.Result r = Proc.run(from.exec("/usr/bin/python3", "-c", "import socket, sys\n"
                        + "socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3])).close()",
                        addr, Integer.toString(port), timeout), 10);
                if (r.exit() == 0) {
                    return true;
                }
            }
        };
    }

    /** A TCP listener inside the namespace (python, since the JVM cannot enter a namespace); ends when its stdin closes. */
    static final class Listener implements AutoCloseable {
        private final Process process;

        Listener(Netns ns, int port) throws Exception {
            process = new ProcessBuilder(ns.exec("/usr/bin/python3", "-c", "import socket, sys\n"
                    + "s = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                    + "s.bind(('0.0.0.0', int(sys.argv[1])))\ns.listen(128)\nprint('ready', flush=True)\nsys.stdin.read()",
                    Integer.toString(port))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(20, TimeUnit.SECONDS);
            assertThat(line).as("listener started").isEqualTo("ready");
        }

        boolean alive() {
            return process.isAlive();
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
