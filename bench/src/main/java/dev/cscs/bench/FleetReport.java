package dev.cscs.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one fleet run measured, and which agents fell short: those are findings, listed by id
 * and by the server they started on, never left out of the figures.
 */
final class FleetReport {
    /** How many missing agents are named per server. */
    private static final int LISTED = 12;

    /** One signed put, and when each agent (by index) had it on disk: nanoseconds after the put was sent, -1 never. */
    record Delivery(String label, double putMs, long[] appliedAt, long serverCpuMs) {
        Stats stats() {
            Stats s = new Stats();
            for (long t : appliedAt) {
                if (t >= 0) {
                    s.add(t);
                }
            }
            return s;
        }
    }

    /** One probe of a surviving server during the storm: /readyz and a write. */
    record Probe(String server, boolean ready, boolean wrote, double ms) {
    }

    final int agents;
    final List<Fleet.Agent> fleet;
    final List<String> servers;
    int jvms;
    String agentsDir;
    String jvmFlags;
    String loadBefore;
    String loadAfter;
    double launchSeconds;
    Map<String, String> notStarted = new LinkedHashMap<>();
    Map<String, Integer> watchersConnected = new LinkedHashMap<>();
    Map<String, Integer> watchersAfterStorm = new LinkedHashMap<>();
    Map<String, Long> rateLimited = new LinkedHashMap<>();
    Map<String, Long> leaderChanges = new LinkedHashMap<>();
    long serverRssBeforeKb;
    long serverRssAfterKb;
    double serverIdleCpuBefore;
    double serverIdleCpuAfter;
    long agentJvmRssKb;
    Delivery first;
    final List<Delivery> puts = new ArrayList<>();
    String victim;
    Delivery afterKill;
    double restartSeconds;
    Delivery afterRestart;
    final List<Probe> probes = new ArrayList<>();

    FleetReport(List<Fleet.Agent> fleet, List<String> servers) {
        this.agents = fleet.size();
        this.fleet = fleet;
        this.servers = servers;
    }

    /** Agents that missed at least one measured put (the first apply included), by id, with the puts they missed. */
    Map<String, List<String>> neverApplied() {
        List<Delivery> all = new ArrayList<>();
        if (first != null) {
            all.add(first);
        }
        all.addAll(puts);
        return missing(all);
    }

    /** Agents not back after the server was killed, or after it was restarted. */
    Map<String, List<String>> notBack() {
        List<Delivery> all = new ArrayList<>();
        if (afterKill != null) {
            all.add(afterKill);
        }
        if (afterRestart != null) {
            all.add(afterRestart);
        }
        return missing(all);
    }

    private Map<String, List<String>> missing(List<Delivery> deliveries) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Delivery d : deliveries) {
            for (int i = 0; i < agents; i++) {
                if (d.appliedAt()[i] < 0) {
                    out.computeIfAbsent(fleet.get(i).id(), k -> new ArrayList<>()).add(d.label());
                }
            }
        }
        return out;
    }

    /** Of the agents that started on the killed server: from the SIGKILL to the next change applied. */
    Stats movedAgentsBack() {
        Stats s = new Stats();
        for (int i = 0; i < agents; i++) {
            if (fleet.get(i).home().equals(victim) && afterKill.appliedAt()[i] >= 0) {
                s.add(afterKill.appliedAt()[i]);
            }
        }
        return s;
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "fleet: %d real edge agents in %d JVMs (%s), 3 server processes; agents' roots in %s%n",
                agents, jvms, jvmFlags, agentsDir);
        out.printf("  machine: %d cores, 1-minute load average %s before the agents, %s at the end%n",
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
        out.printf(Locale.ROOT, "  started (key registered with a join token, genesis checked, watching) in %.1f s; not up at the end: %d%n",
                launchSeconds, notStarted.size());
        notStarted.forEach((id, why) -> out.println("    " + id + ": " + why));
        out.println("  open watch streams per server: " + watchersConnected);
        out.println();
        out.println("| figure | value |");
        out.println("| --- | --- |");
        if (first != null) {
            row(out, "first put after the agents connected (not pooled)", first);
        }
        Stats pooled = new Stats();
        long cpu = 0;
        for (Delivery d : puts) {
            row(out, "signed put " + d.label() + " -> applied on all", d);
            for (long t : d.appliedAt()) {
                if (t >= 0) {
                    pooled.add(t);
                }
            }
            cpu += d.serverCpuMs();
        }
        if (pooled.count() > 0) {
            out.printf(Locale.ROOT, "| all %d puts, over the agents | p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d applies) |%n",
                    puts.size(), pooled.pct(50), pooled.pct(99), pooled.pct(100), pooled.count());
            out.printf(Locale.ROOT, "| server CPU per agent per change (3 servers, until all applied) | %.2f ms |%n",
                    (double) cpu / puts.size() / agents);
        }
        out.printf(Locale.ROOT, "| server RSS, 3 servers: before agents / with agents | %d MB / %d MB: %.1f KB per agent |%n",
                serverRssBeforeKb / 1024, serverRssAfterKb / 1024, (serverRssAfterKb - serverRssBeforeKb) / (double) agents);
        out.printf(Locale.ROOT, "| server idle CPU, 3 servers: before agents / with agents | %.1f %% / %.1f %% of a core |%n",
                serverIdleCpuBefore, serverIdleCpuAfter);
        out.printf(Locale.ROOT, "| agent JVMs' RSS per agent (shared JVMs) | %.0f KB |%n", agentJvmRssKb / (double) agents);
        if (afterKill != null) {
            Stats moved = movedAgentsBack();
            if (moved.count() == 0) {
                out.printf("| kill -9 %s: its agents back and in sync | none came back |%n", victim);
            } else {
                out.printf(Locale.ROOT, "| kill -9 %s: its %d agents back and in sync (kill -> next change applied) | p50 %.0f ms, "
                        + "p99 %.0f ms, max %.0f ms |%n", victim, moved.count(), moved.pct(50), moved.pct(99), moved.pct(100));
            }
            row(out, "change put after the kill -> applied on all", afterKill);
            out.printf(Locale.ROOT, "| %s restarted at once, ready (/readyz 200) after the kill | %.1f s |%n", victim, restartSeconds);
        }
        if (afterRestart != null) {
            row(out, "change put after the restart -> applied on all", afterRestart);
        }
        if (!probes.isEmpty()) {
            long failed = probes.stream().filter(p -> !p.ready() || !p.wrote()).count();
            double worst = probes.stream().mapToDouble(Probe::ms).max().orElse(0);
            out.printf(Locale.ROOT, "| survivors during the storm: /readyz and a write, every 500 ms | %d probes, %d failed, slowest %.0f ms |%n",
                    probes.size(), failed, worst);
        }
        out.println();
        out.println("  open watch streams per server after the storm: " + watchersAfterStorm);
        // every agent is 127.0.0.1 to the servers' per-client limits: a 429 here is the harness's address, not a device's
        out.println("  requests refused 429 (per-client limits; all agents share 127.0.0.1), since each server's start: " + rateLimited);
        out.println("  Raft leader changes seen by each server since its start: " + leaderChanges);
        printMissing(out, "never applied a measured put", neverApplied());
        printMissing(out, "not back after the kill or the restart", notBack());
    }

    private void row(PrintStream out, String what, Delivery d) {
        Stats s = d.stats();
        int missing = agents - s.count();
        out.printf(Locale.ROOT, "| %s | put %.0f ms; p50 %.0f ms, p99 %.0f ms, all %s%s |%n", what, d.putMs(),
                s.count() == 0 ? Double.NaN : s.pct(50), s.count() == 0 ? Double.NaN : s.pct(99),
                missing == 0 ? String.format(Locale.ROOT, "%.0f ms", s.pct(100)) : "never",
                missing == 0 ? "" : "; " + missing + " agents never applied it");
    }

    private void printMissing(PrintStream out, String what, Map<String, List<String>> missing) {
        out.printf("  agents that %s: %d%n", what, missing.size());
        Map<String, List<String>> byServer = new TreeMap<>();
        for (Fleet.Agent a : fleet) {
            if (missing.containsKey(a.id())) {
                byServer.computeIfAbsent(a.home(), k -> new ArrayList<>()).add(a.id() + missing.get(a.id()));
            }
        }
        // the first few name the agents to look at; a thousand ids would bury the table above
        byServer.forEach((server, ids) -> out.println("    started on " + server + " (" + ids.size() + "): "
                + String.join(" ", ids.subList(0, Math.min(ids.size(), LISTED)))
                + (ids.size() > LISTED ? " and " + (ids.size() - LISTED) + " more" : "")));
    }
}
