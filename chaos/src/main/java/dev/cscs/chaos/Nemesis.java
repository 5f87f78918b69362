package dev.cscs.chaos;

import dev.cscs.chaos.Schedule.Fault;
import dev.cscs.chaos.Schedule.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Runs the schedule, one fault at a time, each healed (restarted, continued, rules removed)
 * before the gap that follows it. What it did goes to stdout with a time offset; what went wrong
 * with the system (a node that does not come back) becomes a finding.
 */
final class Nemesis {
    private final World world;
    private final Api api;
    private final Net net;
    private final long t0 = System.nanoTime();
    final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    final List<String> findings = new ArrayList<>();
    final List<String> log = new ArrayList<>();

    Nemesis(World world, Api api, Net net) {
        this.world = world;
        this.api = api;
        this.net = net;
    }

    void run(List<Fault> schedule, long untilNanos) throws IOException, InterruptedException {
        for (Fault f : schedule) {
            if (System.nanoTime() + f.holdMs() * 1_000_000L > untilNanos) {
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
                s.proc.kill9();
                Thread.sleep(f.holdMs());
                restart(s);
            }
            case STOP -> {
                Server s = world.servers.get(f.target());
                say("SIGSTOP " + s);
                s.proc.stop();
                Thread.sleep(f.holdMs());
                s.proc.cont();
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
                Thread.sleep(1000);
                restart(s);
            }
            case AGENT_FILES -> tamper(world.agents.get(f.target()), f.aux(), rnd);
            case AGENT_KILL -> {
                EdgeAgent a = world.agents.get(f.target());
                long size = size(a.audit());
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (size(a.audit()) == size && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
                a.proc.kill9();
                say("kill -9 agent " + a + (size(a.audit()) == size ? " (its audit log did not grow within 10 s)"
                        : " as its audit log grew (mid-apply)"));
                Thread.sleep(f.holdMs() / 2);
                a.proc.start();
                say("restarted agent " + a);
            }
            default -> throw new IllegalStateException(f.kind().name());
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
        s.proc.start();
        say("restarted " + s);
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            if (!s.proc.alive()) {
                finding(s + " exited after restart (exit " + s.proc.process().exitValue() + "); last lines of "
                        + s.proc.out + ":\n" + tail(s.proc.out, 12));
                return;
            }
            if (api.local(s, "/v1/changesets/d1?limit=0") != null) {
                return;
            }
            Thread.sleep(50);
        }
        finding(s + " did not answer within 40 s of its restart");
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
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    void finding(String what) {
        synchronized (findings) {
            findings.add(what);
        }
        say("FINDING: " + what);
    }

    void say(String what) {
        String line = String.format(Locale.ROOT, "[%7.1fs] %s", (System.nanoTime() - t0) / 1e9, what);
        synchronized (log) {
            log.add(line);
        }
        System.out.println(line);
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
