package dev.cscs.bench.micro;

import dev.cscs.agent.applier.Applied;
import dev.cscs.agent.applier.Applier;
import dev.cscs.agent.applier.Appliers;
import dev.cscs.agent.applier.ApplyContext;
import dev.cscs.agent.applier.DesiredEntry;
import dev.cscs.agent.applier.Plan;
import dev.cscs.agent.os.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The agent's planning step, through the public {@link Applier#plan}: validate every desired
 * entry, render the files, read what is on disk and the ownership manifest, and diff. Planned
 * offline (not live) under a scratch root, as the agent's tests do, so no tool runs and nothing
 * outside the root is read: sysctl with 20 settings, sshd with 20 options in four keys of two
 * domains (one overriding another).
 *
 * <p>{@code disk=empty}: nothing written yet, so the plan writes the drop-in (a first round).
 * {@code disk=in-sync}: both drop-ins and the manifest already hold what the entries render, so
 * the plan is empty: the steady state of every later reconcile round.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ApplierPlanBench {
    @Param({"empty", "in-sync"})
    public String disk;

    private final Applier sysctl = Appliers.byName("sysctl").orElseThrow();
    private final Applier sshd = Appliers.byName("sshd").orElseThrow();
    private final List<DesiredEntry> sysctlEntries = sysctlSettings();
    private final List<DesiredEntry> sshdEntries = sshdOptions();
    private Path root;
    private ApplyContext ctx;

    @Setup
    public void prepareRoot() throws IOException {
        root = Files.createTempDirectory("cscs-bench-appliers-");
        // offline, a plan runs no tool; converging runs sshd -t and -T, answered here with success and no output
        CommandRunner tools = command -> new CommandRunner.Result(0, "", "", false);
        ctx = ApplyContext.builder(root).runner(tools).live(false).build();
        boolean inSync = switch (disk) {
            case "empty" -> false;
            case "in-sync" -> true;
            default -> throw new IllegalArgumentException("disk is empty or in-sync, not " + disk);
        };
        if (inSync) {
            converge(sysctl, sysctlEntries);
            converge(sshd, sshdEntries);
        }
        for (Plan p : List.of(sysctl.plan(sysctlEntries, ctx), sshd.plan(sshdEntries, ctx))) {
            if (p.isEmpty() != inSync || !p.conflicts().isEmpty()) {
                throw new IllegalStateException("disk=" + disk + " but the plan is " + p.summary());
            }
        }
    }

    private void converge(Applier applier, List<DesiredEntry> desired) {
        Applied applied = applier.apply(applier.plan(desired, ctx), ctx);
        applier.verify(applied, ctx);
    }

    @TearDown
    public void removeRoot() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public Plan planSysctl() {
        return sysctl.plan(sysctlEntries, ctx);
    }

    @Benchmark
    public Plan planSshd() {
        return sshd.plan(sshdEntries, ctx);
    }

    /** 20 kernel settings a hardened router sets, 12 from the global domain and 8 from a site's. */
    static List<DesiredEntry> sysctlSettings() {
        String[][] global = {
            {"fs.file-max", "2097152"}, {"kernel.dmesg_restrict", "1"}, {"kernel.kptr_restrict", "2"},
            {"net.ipv4.conf.all.accept_redirects", "0"}, {"net.ipv4.conf.all.accept_source_route", "0"},
            {"net.ipv4.conf.all.rp_filter", "2"}, {"net.ipv4.conf.all.send_redirects", "0"},
            {"net.ipv4.conf.default.accept_redirects", "0"}, {"net.ipv4.conf.default.rp_filter", "2"},
            {"net.ipv4.icmp_echo_ignore_broadcasts", "1"}, {"net.ipv4.tcp_syncookies", "1"}, {"net.ipv6.conf.all.accept_ra", "0"},
        };
        String[][] site = {
            {"net.core.rmem_max", "16777216"}, {"net.core.somaxconn", "4096"}, {"net.core.wmem_max", "16777216"},
            {"net.ipv4.ip_forward", "1"}, {"net.ipv4.tcp_keepalive_time", "600"}, {"net.ipv6.conf.all.forwarding", "0"},
            {"vm.overcommit_memory", "1"}, {"vm.swappiness", "10"},
        };
        List<DesiredEntry> entries = new ArrayList<>();
        for (String[] s : global) {
            entries.add(new DesiredEntry("global", s[0], SignedChain.json("{\"value\":\"" + s[1] + "\"}")));
        }
        for (String[] s : site) {
            entries.add(new DesiredEntry("factory-a", s[0], SignedChain.json("{\"value\":\"" + s[1] + "\"}")));
        }
        return List.copyOf(entries);
    }

    /** 20 sshd options in four keys; the site's LogLevel overrides the global one, which the plan notes. */
    static List<DesiredEntry> sshdOptions() {
        return List.of(
                new DesiredEntry("global", "ciphers", SignedChain.json("{\"settings\":{"
                        + "\"Ciphers\":[\"chacha20-poly1305@openssh.com\",\"aes256-gcm@openssh.com\"],"
                        + "\"KexAlgorithms\":[\"curve25519-sha256\",\"curve25519-sha256@libssh.org\"],"
                        + "\"MACs\":[\"hmac-sha2-512-etm@openssh.com\",\"hmac-sha2-256-etm@openssh.com\"]}}")),
                new DesiredEntry("global", "forwarding", SignedChain.json("{\"settings\":{\"AllowAgentForwarding\":false,"
                        + "\"AllowTcpForwarding\":\"no\",\"GatewayPorts\":\"no\",\"PermitTunnel\":\"no\",\"X11Forwarding\":false}}")),
                new DesiredEntry("global", "hardening", SignedChain.json("{\"settings\":{\"KbdInteractiveAuthentication\":false,"
                        + "\"LogLevel\":\"INFO\",\"MaxAuthTries\":3,\"PasswordAuthentication\":false,"
                        + "\"PermitEmptyPasswords\":false,\"PermitRootLogin\":\"no\"}}")),
                new DesiredEntry("factory-a", "site", SignedChain.json("{\"settings\":{\"AllowUsers\":[\"admin\",\"ops@10.0.0.0/8\"],"
                        + "\"ClientAliveCountMax\":2,\"ClientAliveInterval\":300,\"LogLevel\":\"VERBOSE\","
                        + "\"LoginGraceTime\":\"30s\",\"MaxSessions\":4,\"PubkeyAuthentication\":true}}")));
    }
}
