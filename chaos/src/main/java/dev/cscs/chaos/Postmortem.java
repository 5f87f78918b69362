package dev.cscs.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a run prints when the servers' chains did not agree after healing: each server's Raft
 * indexes as its {@code /metrics} reports them, and, for every server that applied less than
 * the most advanced one, the threads that move entries into its log and its state machine, from
 * a thread dump (SIGQUIT makes the JVM print one to its output). So a failed run, in CI too, says
 * whether a replica stopped receiving entries (its commit index stays behind) or stopped applying
 * them (its applied index does), where that thread waits, and the last warnings and errors it logged.
 */
final class Postmortem {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern RAFT_THREADS = Pattern.compile(
            "StateMachineUpdater|SegmentedRaftLogWorker|GrpcServerProtocolService|java.lang.Thread.State: BLOCKED");
    /** {@code cscs_raft_<name>[{role="<role>"}] <value>}; the leader-change counter is not one of them. */
    private static final Pattern GAUGE = Pattern.compile("cscs_raft_(term|commit_index|applied_index|has_leader|role)"
            + "(?:\\{role=\"(\\w+)\"\\})? (\\S+)");
    private static final int LINES_PER_THREAD = 14;
    private static final Duration DUMP_WAIT = Duration.ofSeconds(5);
    private static final int LOG_LINES = 20;
    /** A line of the node's log ({@code LineLayout}): the time, then the level. */
    private static final Pattern TROUBLE = Pattern.compile("^\\S+ (WARN |ERROR) ");

    private Postmortem() {
    }

    static void print(World world, PrintStream out) throws InterruptedException {
        Map<Server, Map<String, String>> raft = new LinkedHashMap<>();
        long mostApplied = -1;
        for (Server s : world.servers) {
            Map<String, String> m = raftGauges(s);
            raft.put(s, m);
            out.println("postmortem: " + s.id() + " " + (m.isEmpty() ? "has no Raft gauges: its Raft group is not running" : m));
            mostApplied = Math.max(mostApplied, applied(m));
        }
        for (Map.Entry<Server, Map<String, String>> e : raft.entrySet()) {
            if (applied(e.getValue()) < mostApplied) {
                threadDump(e.getKey()).forEach(line -> out.println("postmortem: " + e.getKey().id() + " | " + line));
                try {
                    lastTroubles(logLines(e.getKey()), LOG_LINES).forEach(l -> out.println("postmortem: " + e.getKey().id() + " log | " + l));
                } catch (IOException | UncheckedIOException x) {
                    out.println("postmortem: " + e.getKey().id() + ": its log could not be read: " + x.getMessage());
                }
            }
        }
    }

    private static long applied(Map<String, String> gauges) {
        return Long.parseLong(gauges.getOrDefault("applied_index", "-1"));
    }

    /** What {@code s}'s {@code /metrics} says of its Raft; empty when its Raft group is not running. */
    private static Map<String, String> raftGauges(Server s) {
        try {
            return raftGauges(HTTP.send(HttpRequest.newBuilder(URI.create(s.api() + "/metrics")).timeout(Duration.ofSeconds(3))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException | RuntimeException e) {
            return Map.of("metrics", "no answer (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("metrics", "interrupted");
        }
    }

    /** {@code term}, {@code commit_index}, {@code applied_index}, {@code has_leader} and the current {@code role}, from an exposition. */
    static Map<String, String> raftGauges(String exposition) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            Matcher m = GAUGE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            double value = Double.parseDouble(m.group(3));
            if (m.group(2) == null && !m.group(1).equals("role")) {
                out.put(m.group(1), Long.toString((long) value));
            } else if (m.group(1).equals("role") && value == 1) {
                out.put("role", m.group(2));
            }
        }
        return out;
    }

    /** The last {@code n} warnings and errors among {@code lines}, oldest first. */
    static List<String> lastTroubles(List<String> lines, int n) {
        List<String> troubles = lines.stream().filter(l -> TROUBLE.matcher(l).find()).toList();
        return troubles.subList(Math.max(0, troubles.size() - n), troubles.size());
    }

    /** The lines of the server's log files ({@code <dir>/log/*.log}), file by file in name order. */
    private static List<String> logLines(Server s) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(s.dir().resolve("log"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    /** The first lines of each thread of {@code dump} (HotSpot's format) that moves Raft entries, or is blocked. */
    static List<String> raftThreads(String dump) {
        List<String> out = new ArrayList<>();
        for (String block : dump.split("\n\\s*\n")) {
            if (block.startsWith("\"") && RAFT_THREADS.matcher(block).find()) {
                block.lines().limit(LINES_PER_THREAD).forEach(out::add);
            }
        }
        return out;
    }

    /** The Raft threads of {@code s}'s thread dump, each cut to its first lines; empty if none appeared in time. */
    private static List<String> threadDump(Server s) throws InterruptedException {
        Process p = s.proc().process();
        if (p == null || !p.isAlive()) {
            return List.of("(not running)");
        }
        try {
            long before = Files.size(s.proc().out);
            new ProcessBuilder("kill", "-QUIT", Long.toString(p.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + DUMP_WAIT.toNanos();
            String dump = "";
            while (System.nanoTime() < deadline && !dump.contains("JNI global refs")) { // the dump's last line
                Thread.sleep(50); // polled with a deadline: the JVM writes the dump on its own thread
                byte[] all = Files.readAllBytes(s.proc().out);
                dump = new String(all, (int) Math.min(before, all.length), (int) Math.max(0, all.length - before),
                        StandardCharsets.UTF_8);
            }
            List<String> threads = raftThreads(dump);
            return threads.isEmpty() ? List.of("(no Raft thread in a dump within " + DUMP_WAIT.toSeconds() + " s)") : threads;
        } catch (IOException e) {
            return List.of("(no thread dump: " + e.getMessage() + ")");
        }
    }
}
