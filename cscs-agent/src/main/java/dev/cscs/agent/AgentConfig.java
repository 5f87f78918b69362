package dev.cscs.agent;

import dev.cscs.agent.applier.Applier;
import dev.cscs.agent.applier.Appliers;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The agent's settings: the {@code node} and {@code agent} sections of cscsd.yaml (DESIGN.md §4).
 *
 * @param nodeId            {@code [a-z0-9][a-z0-9-]{0,62}}
 * @param domains           subscribed domains, in order: a later domain overrides an earlier one
 * @param root              prefix of every path an applier touches ({@code /} on a device)
 * @param appliers          the appliers this node runs (names from {@link Appliers#all()}); they run
 *                          in that list's fixed order, not in the order given
 * @param reconcileInterval the periodic reconcile that finds and corrects drift (default 60 s)
 * @param quietMin          wait this long after a feed event for more (default 50 ms)
 * @param quietMax          but never longer than this after the first one (default 2 s)
 * @param statusInterval    an unchanged status is sent at most this often (default 30 s)
 * @param dryRun            plan and log only: touch no file, no live state, no agent state
 * @param live              touch live kernel and services; the caller sets it only when root is {@code /}
 * @param protectedPorts    TCP ports the firewall keeps open (API, Raft) unless an entry opts out
 * @param confirmTimeout    commit-confirm: how long the node may take to reach the cluster after a firewall change
 * @param stateDir          the high-water marks and the verified-changeset cache live here
 * @param auditLog          the JSON-lines audit log
 * @param maxStaleness      with no signed freshness record newer than this, the device is stale (default 10 min;
 *                          0: never); armed once the verified registry names a key that signs them
 */
public record AgentConfig(String nodeId, List<String> domains, Path root, List<String> appliers,
                          Duration reconcileInterval, Duration quietMin, Duration quietMax, Duration statusInterval,
                          boolean dryRun, boolean live, List<Integer> protectedPorts, Duration confirmTimeout,
                          Path stateDir, Path auditLog, Duration maxStaleness) {
    public static final Duration MAX_STALENESS = Duration.ofMinutes(10);

    public AgentConfig {
        Names.checkNodeId(nodeId);
        domains = List.copyOf(domains);
        Set<String> seen = new HashSet<>();
        for (String d : domains) {
            Names.checkDomain(d);
            if (!seen.add(d)) {
                throw bad("domain " + d + " is listed twice");
            }
        }
        Objects.requireNonNull(root, "root");
        appliers = List.copyOf(appliers);
        Set<String> known = new HashSet<>();
        Appliers.all().stream().map(Applier::name).forEach(known::add);
        for (String a : appliers) {
            if (!known.contains(a)) {
                throw bad("no applier named " + Names.shown(a) + "; known: " + String.join(", ", Appliers.all().stream()
                        .map(Applier::name).toList()));
            }
        }
        positive("reconcileInterval", reconcileInterval);
        positive("quietMin", quietMin);
        positive("quietMax", quietMax);
        positive("statusInterval", statusInterval);
        positive("confirmTimeout", confirmTimeout);
        if (quietMax.compareTo(quietMin) < 0) {
            throw bad("quietMax " + quietMax + " is shorter than quietMin " + quietMin);
        }
        protectedPorts = List.copyOf(protectedPorts);
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(auditLog, "auditLog");
        if (maxStaleness == null || maxStaleness.isNegative()) {
            throw bad("maxStaleness must be 0 (never stale) or a positive duration, got " + maxStaleness);
        }
    }

    /** The documented defaults; live exactly when {@code root} is {@code /}; the audit log in the state dir. */
    public static AgentConfig defaults(String nodeId, List<String> domains, Path root, Path stateDir) {
        return new AgentConfig(nodeId, domains, root, Appliers.all().stream().map(Applier::name).toList(),
                Duration.ofSeconds(60), Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(30),
                false, root.toAbsolutePath().normalize().equals(Path.of("/")), List.of(), Duration.ofSeconds(10),
                stateDir, stateDir.resolve("audit.jsonl"), MAX_STALENESS);
    }

    public AgentConfig withAppliers(List<String> names) {
        return new AgentConfig(nodeId, domains, root, names, reconcileInterval, quietMin, quietMax, statusInterval, dryRun,
                live, protectedPorts, confirmTimeout, stateDir, auditLog, maxStaleness);
    }

    public AgentConfig withDryRun(boolean dry) {
        return new AgentConfig(nodeId, domains, root, appliers, reconcileInterval, quietMin, quietMax, statusInterval, dry,
                live, protectedPorts, confirmTimeout, stateDir, auditLog, maxStaleness);
    }

    public AgentConfig withTimings(Duration reconcile, Duration min, Duration max, Duration status) {
        return new AgentConfig(nodeId, domains, root, appliers, reconcile, min, max, status, dryRun, live, protectedPorts,
                confirmTimeout, stateDir, auditLog, maxStaleness);
    }

    public AgentConfig withMaxStaleness(Duration d) {
        return new AgentConfig(nodeId, domains, root, appliers, reconcileInterval, quietMin, quietMax, statusInterval, dryRun,
                live, protectedPorts, confirmTimeout, stateDir, auditLog, d);
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw bad(what + " must be a positive duration, got " + d);
        }
    }

    private static CscsException bad(String message) {
        return new CscsException(ErrorCode.BAD_CONFIG, "agent: " + message);
    }
}
