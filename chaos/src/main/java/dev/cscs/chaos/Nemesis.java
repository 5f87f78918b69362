package dev.cscs.chaos;

import dev.cscs.chaos.Schedule.Fault;
import dev.cscs.chaos.Schedule.Kind;
import dev.cscs.core.testing.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.EnumMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Runs the schedule, one fault at a time, each healed (restarted, continued, rules removed)
 * before the gap that follows it. What it did goes to stdout with a time offset; what went wrong
 * with the system (a node that does not come back, or one that died on its own) becomes a finding.
 */
final class Nemesis {
    /** How long a restarted node has to be up (a server answering, an agent watching). */
    private static final Duration RESTART = Duration.ofSeconds(40);
    private final World world;
    private final Api api;
    private final Net net;
    private final long t0 = System.nanoTime();
    final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    final List<String> findings = new ArrayList<>();
    /** Per edge agent, when its files were changed behind its back (wall clock, like its audit log). */
    final Map<String, List<Instant>> tampered = new HashMap<>();
    private Workload workload;

    Nemesis(World world, Api api, Net net) {
        this.world = world;
        this.api = api;
        this.net = net;
    }

    /** Runs faults until {@code untilNanos} or {@code maxFaults} of them; {@code workload} writes what agent-kill needs. */
    void run(List<Fault> schedule, long untilNanos, int maxFaults, Workload workload) throws IOException, InterruptedException {
        this.workload = workload;
        int done = 0;
        for (Fault f : schedule) {
            if (done++ >= maxFaults || System.nanoTime() + f.holdMs() * 1_000_000L > untilNanos) {
                break;
            }
            counts.merge(f.kind(), 1, Integer::sum);
            inject(f, new Random(f.seed()));
            Thread.sleep(Math.max(0, Math.min(f.gapMs(), (untilNanos - System.nanoTime()) / 1_000_000L)));
        }
    }

    private void inject(Fault f, Random rnd) throws IOException, InterruptedException {
        switch (f.kind()) {
            case KILL -> {
                Server s = world.servers.get(f.target());
                say("kill -9 " + s);
                s.proc().kill9();
                Thread.sleep(f.holdMs());
                restart(s);
            }
            case STOP -> {
                Server s = world.servers.get(f.target());
                say("SIGSTOP " + s);
                s.proc().stop();
                Thread.sleep(f.holdMs());
                s.proc().cont();
                say("SIGCONT " + s);
            }
            case PARTITION -> {
                List<Server> shuffled = new ArrayList<>(world.servers);
                Collections.shuffle(shuffled, rnd);
                List<Server> minority = shuffled.subList(0, f.aux());
                List<Server> rest = shuffled.subList(f.aux(), shuffled.size());
                say("partition " + minority + " | " + rest);
                net.cut(minority, rest);
                Thread.sleep(f.holdMs());
                net.heal();
                say("healed");
            }
            case ISOLATE_LEADER -> {
                String leader = leader();
                if (leader == null) {
                    say("isolate-leader: no leader known, nothing isolated");
                    return;
                }
                Server l = world.server(leader);
                List<Server> rest = world.servers.stream().filter(s -> s != l).toList();
                say("isolate leader " + l + " from " + rest);
                net.cut(List.of(l), rest);
                Thread.sleep(f.holdMs());
                net.heal();
                say("healed");
            }
            case POWER_CUT -> {
                Server s = world.servers.get(f.target());
                say("power cut of " + s + " after its next snapshot: " + PowerCut.cut(s, rnd, 20_000));
                Thread.sleep(f.holdMs());
                restart(s);
            }
            case AGENT_FILES -> tamper(world.agents.get(f.target()), f.aux(), rnd);
            case AGENT_KILL -> killMidApply(world.agents.get(f.target()), f.holdMs(), rnd);
            default -> throw new IllegalStateException(f.kind().name());
        }
    }

    /**
     * Submits a write to the agent's last domain (a write to an earlier one is shadowed by it on
     * a shared key, so nothing would be applied) and SIGKILLs the agent the moment it stages a
     * file ({@code .cscs-tmp}: mid-apply) or its audit log grows (an audit line is written once
     * the apply is done and verified: just after it, before the agent goes on).
     */
    private void killMidApply(EdgeAgent a, long holdMs, Random rnd) throws InterruptedException {
        Path dir = a.root().resolve("etc/yum.repos.d");
        long size = size(a.audit());
        String domain = a.domains().get(a.domains().size() - 1);
        Thread write = new Thread(() -> workload.writeNow("k", domain, rnd), "chaos-agent-kill-write");
        write.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String seen = null;
        while (seen == null && System.nanoTime() < deadline) {
            seen = staged(dir) ? "as it staged a file (mid-apply)"
                    : size(a.audit()) != size ? "as its audit log grew (just after an apply)" : null;
            if (seen == null) {
                Thread.sleep(1);
            }
        }
        a.proc().kill9();
        say("kill -9 agent " + a + " " + (seen != null ? seen : "(no apply seen within 15 s of a write to " + domain + ")"));
        write.join(Duration.ofSeconds(30).toMillis());
        Thread.sleep(holdMs / 2);
        restartAll(List.of(a));
    }

    private static boolean staged(Path dir) {
        try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".cscs-tmp"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Edit, replace or delete one of the agent's managed files behind its back. */
    private void tamper(EdgeAgent a, int mode, Random rnd) throws IOException {
        Path dir = a.root().resolve("etc/yum.repos.d");
        List<Path> files;
        try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            files = s.filter(p -> p.getFileName().toString().startsWith("cscs-")).sorted().toList();
        }
        if (files.isEmpty()) {
            say("agent-files " + a + ": no managed file yet");
            return;
        }
        Path victim = files.get(rnd.nextInt(files.size()));
        // before the change: an apply that sees it may start the moment it is made
        tampered.computeIfAbsent(a.id(), k -> new ArrayList<>()).add(Instant.now());
        switch (mode) {
            case 0 -> {
                Files.writeString(victim, Files.readString(victim).replace("https://chaos.invalid/", "https://evil.invalid/"));
                say("edited " + victim + " (baseurl changed in place)");
            }
            case 1 -> {
                Path tmp = victim.resolveSibling(".chaos-tmp");
                Files.writeString(tmp, "[evil]\nname=evil\nbaseurl=https://evil.invalid/\nenabled=1\ngpgcheck=0\n");
                Files.move(tmp, victim, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                say("replaced " + victim + " with a foreign repo");
            }
            default -> {
                Files.delete(victim);
                say("deleted " + victim);
            }
        }
    }

    void restart(Server s) throws InterruptedException {
        restartAll(List.of(s));
    }

    /**
     * After the last fault, each fault having healed what it did (restarted, continued), and
     * every cut removed: a process that is not running died on its own, a finding (with its
     * last output) before it is restarted like the others.
     */
    void healAll() throws InterruptedException {
        net.heal();
        List<Node> dead = new ArrayList<>();
        for (Node n : world.nodes()) {
            n.proc().cont();
            if (!n.proc().alive()) {
                finding(n + " was not running when the faults ended, with every fault healed: it died on its own" + lastWords(n));
                dead.add(n);
            }
        }
        restartAll(dead);
    }

    /**
     * Starts them all, then waits for each to be up: a server answers, an agent logs that it
     * watches its domains (it restored its state and rolled back any interrupted apply first).
     * A finding if one exits, or is not up within 40 s.
     */
    void restartAll(List<? extends Node> nodes) throws InterruptedException {
        Map<Node, Long> startsBefore = new HashMap<>();
        for (Node n : nodes) {
            startsBefore.put(n, starts(n));
            n.proc().start();
            say("restarted " + n);
        }
        long deadline = System.nanoTime() + RESTART.toNanos();
        for (Node n : nodes) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            boolean up = Eventually.poll(left, () -> !n.proc().alive() || up(n, startsBefore.get(n)));
            if (!n.proc().alive()) {
                finding(n + " exited after restart" + lastWords(n));
            } else if (!up) {
                finding(n + " was not up within " + RESTART.toSeconds() + " s of its restart" + lastWords(n));
            }
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("while waiting for restarted nodes");
        }
    }

    private boolean up(Node n, long startsBefore) {
        return n instanceof Server s ? api.local(s, "/v1/changesets/d1?limit=0") != null : starts(n) > startsBefore;
    }

    /** How many times an agent has logged that it started watching (Agent.start, after its recovery). */
    private static long starts(Node n) {
        String mark = "agent " + n.id() + " watching ";
        try (Stream<String> lines = Files.exists(n.proc().out) ? Files.lines(n.proc().out) : Stream.empty()) {
            return lines.filter(l -> l.contains(mark)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static String lastWords(Node n) {
        Process p = n.proc().process();
        return (p.isAlive() ? "" : " (exit " + p.exitValue() + ")") + "; last lines of " + n.proc().out + ":\n" + tail(n.proc().out, 12);
    }

    /** The leader most servers name, or null. */
    String leader() {
        Map<String, Integer> votes = new HashMap<>();
        for (Server s : world.servers) {
            String l = api.leaderSeenBy(s);
            if (l != null) {
                votes.merge(l, 1, Integer::sum);
            }
        }
        // only one of the run's servers (a node may name a stale or unknown leader while it elects)
        return votes.entrySet().stream().filter(e -> world.servers.stream().anyMatch(s -> s.id().equals(e.getKey())))
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    void finding(String what) {
        synchronized (findings) {
            findings.add(what);
        }
        say("FINDING: " + what);
    }

    void say(String what) {
        System.out.println(String.format(Locale.ROOT, "[%7.1fs] %s", (System.nanoTime() - t0) / 1e9, what));
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
